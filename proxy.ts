import { NextResponse, type NextRequest } from "next/server";

/**
 * Hands the page's own path to server components (x-warden-path), so a signed-out visitor is
 * sent to sign in and then back to the page they asked for (app/session.ts).
 */
export function proxy(request: NextRequest) {
  const headers = new Headers(request.headers);
  headers.set("x-warden-path", `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only: not the API, Next's assets or the icon.
  matcher: ["/((?!api/|_next/|icon\\.svg|favicon\\.ico).*)"],
};
