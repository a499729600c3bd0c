"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { fieldErrorsOf, messageOf } from "./api.ts";

/** A control-plane mutation that refreshes the server-rendered page when it succeeds. */
export function useApiMutation<V, R>(fn: (vars: V) => Promise<R>, onSuccess?: (result: R) => void) {
  const router = useRouter();
  const m = useMutation({
    mutationFn: fn,
    onSuccess: (r) => {
      onSuccess?.(r);
      router.refresh();
    },
  });
  return { ...m, errorMessage: m.error ? messageOf(m.error) : null, fieldErrors: m.error ? fieldErrorsOf(m.error) : {} };
}
