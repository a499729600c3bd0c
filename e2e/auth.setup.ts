import { test as setup } from "@playwright/test";
import { ADMIN, signIn } from "./helpers.ts";

setup("sign in as the first admin", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.context().storageState({ path: "e2e/.auth/admin.json" });
});
