import { DEMO_USERS } from "@/server/demo/demo-data";
import { expect, signIn, test } from "../fixtures/test";

test("an anonymous visitor is sent to sign-in", async ({ page }) => {
  await page.goto("/control-center");
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole("button", { name: "Sign in", exact: true })).toBeVisible();
});

test("wrong password is refused with a message", async ({ page, consoleErrors }) => {
  // next-auth answers the refused credentials with a 401, which Chromium logs.
  consoleErrors.allow(/status of 401 .*\/api\/auth\/callback\/credentials/);
  await page.goto("/signin");
  await page.getByLabel("Email").fill(DEMO_USERS.operator.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("Invalid email or password")).toBeVisible();
});

for (const role of ["operator", "viewer", "admin"] as const) {
  test(`${role} signs in and sees the Control Center shell`, async ({ page }) => {
    await signIn(page, role);
    await expect(page.getByRole("heading", { name: "Remediation Control Center" })).toBeVisible();
    await expect(page.getByTestId("signed-in-role")).toHaveText(role);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Incidents" })).toBeVisible();
  });
}

test("the demo's second operator signs in as an operator (separation of duties needs two)", async ({ page }) => {
  await signIn(page, "operator2");
  await expect(page.getByTestId("signed-in-role")).toHaveText("operator");
  await expect(page.getByTestId("signed-in-user")).toContainText(DEMO_USERS.operator2.name);
});

test("sign-out returns to the sign-in page", async ({ page }) => {
  await signIn(page, "operator");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto("/control-center");
  await expect(page).toHaveURL(/\/signin/);
});

test("pages do not fetch the session on load, so leaving a page mid-load logs nothing", async ({ page }) => {
  // The shell gets the principal from the server: a client fetch of /api/auth/session would
  // only be cut off by the next navigation and reported to /api/auth/_log as an error.
  const authCalls: string[] = [];
  page.on("request", (req) => {
    const { pathname } = new URL(req.url());
    if (pathname === "/api/auth/session" || pathname === "/api/auth/_log") authCalls.push(pathname);
  });
  await signIn(page, "operator");
  // Navigate away before each page has finished loading its data.
  for (const path of ["/incidents", "/settings", "/control-center", "/incidents"]) {
    await page.goto(path, { waitUntil: "commit" });
  }
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin/);
  expect(authCalls).toEqual([]);
});
