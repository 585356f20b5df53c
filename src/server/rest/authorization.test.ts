import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import type { Principal } from "@/server/auth/principal-types";
import { AppError } from "@/server/errors";
import { callProcedure, createCaller } from "@/server/root";
import { authorize, authorizedContext } from "@/server/trpc";

/** A permission list that counts how often it is asked (hasPermission → includes). */
class CountingPermissions extends Array<string> {
  checks = 0;
  override includes(value: string, fromIndex?: number): boolean {
    this.checks++;
    return super.includes(value, fromIndex);
  }
}

function principalWith(...permissions: string[]): Principal & { permissions: CountingPermissions } {
  const counted = new CountingPermissions();
  counted.push(...permissions);
  return { userId: "u", organizationId: "org_authz", permissions: counted, via: "token" };
}

// An input the procedure refuses: the call gets past authorization and stops at validation,
// before any use case or database work.
const INVALID = { id: 1 };
const headers = new Headers();

async function failure(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(TRPCError);
    return (error as TRPCError).code;
  }
  throw new Error("expected the call to fail");
}

describe("authorize", () => {
  it("401 without a principal, 403 naming the permission it lacks", () => {
    expect(() => authorize(null, "remediation:view")).toThrow(
      expect.objectContaining({ code: "UNAUTHORIZED", message: "Authentication required" }),
    );
    const viewer = principalWith("remediation:view");
    expect(authorize(viewer, "remediation:view")).toBe(viewer);
    expect(() => authorize(viewer, "policy:update")).toThrow(
      new AppError("FORBIDDEN", "Missing permission: policy:update"),
    );
  });
});

describe("one permission check per call", () => {
  it("a tRPC call is checked once, by the procedure's middleware", async () => {
    const principal = principalWith("remediation:reject");
    const caller = createCaller({ principal, headers });
    expect(await failure(caller.remediation.reject(INVALID as never))).toBe("BAD_REQUEST");
    expect(principal.permissions.checks).toBe(1);
  });

  it("a REST call is checked once, before the body is read; the middleware trusts that context", async () => {
    const principal = principalWith("remediation:reject");
    const ctx = authorizedContext(principal, "remediation:reject", headers);
    expect(principal.permissions.checks).toBe(1);
    expect(await failure(callProcedure("remediation.reject", ctx, INVALID))).toBe("BAD_REQUEST");
    expect(principal.permissions.checks).toBe(1);
  });

  it("a context authorized for one permission is checked again by a procedure needing another", async () => {
    const viewer = principalWith("remediation:view");
    const ctx = authorizedContext(viewer, "remediation:view", headers);
    expect(await failure(callProcedure("remediation.reject", ctx, INVALID))).toBe("FORBIDDEN");
    expect(() => authorizedContext(viewer, "remediation:reject", headers)).toThrow(
      new AppError("FORBIDDEN", "Missing permission: remediation:reject"),
    );
    expect(() => authorizedContext(null, "remediation:view", headers)).toThrow(
      expect.objectContaining({ code: "UNAUTHORIZED" }),
    );
  });

  it("a context cannot claim to be authorized without going through authorize", async () => {
    const viewer = principalWith("remediation:view");
    const forged = { principal: viewer, headers, authorized: "remediation:reject" };
    expect(await failure(callProcedure("remediation.reject", forged, INVALID))).toBe("FORBIDDEN");
    expect(await failure(callProcedure("remediation.reject", { principal: null, headers }, INVALID))).toBe(
      "UNAUTHORIZED",
    );
  });
});
