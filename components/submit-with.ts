import type { FormEvent } from "react";

/**
 * An onSubmit handler that hands the form's data to `fn` and keeps what was typed: React 19's
 * `<form action>` clears uncontrolled inputs even when the request then fails.
 */
export function submitWith(fn: (data: FormData, form: HTMLFormElement) => void) {
  return (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    fn(new FormData(e.currentTarget), e.currentTarget);
  };
}
