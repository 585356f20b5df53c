import { beforeEach, describe, expect, it, vi } from "vitest";

const sonner = vi.hoisted(() => ({ toast: { success: vi.fn(), error: vi.fn(), info: vi.fn() } }));
vi.mock("sonner", () => sonner);

// A fresh module per test: the "Toaster mounted" signal is module state.
async function freshToast() {
  vi.resetModules();
  return import("./toast");
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("toast (sonner loaded after the page)", () => {
  beforeEach(() => {
    for (const fn of Object.values(sonner.toast)) fn.mockClear();
  });

  it("holds toasts raised before the Toaster is mounted, then shows them in order with their options", async () => {
    const { toast, markToasterMounted } = await freshToast();
    toast.success("Approved restart-service: QUEUED");
    toast.error("Rejection failed", { description: "Action already decided" });
    await flush();
    expect(sonner.toast.success).not.toHaveBeenCalled();
    expect(sonner.toast.error).not.toHaveBeenCalled();
    markToasterMounted();
    await flush();
    expect(sonner.toast.success).toHaveBeenCalledWith("Approved restart-service: QUEUED");
    expect(sonner.toast.error).toHaveBeenCalledWith("Rejection failed", { description: "Action already decided" });
  });

  it("once mounted, each kind goes to sonner's own function", async () => {
    const { toast, markToasterMounted } = await freshToast();
    markToasterMounted();
    toast.info("Action is already QUEUED");
    await flush();
    expect(sonner.toast.info).toHaveBeenCalledWith("Action is already QUEUED");
    expect(sonner.toast.success).not.toHaveBeenCalled();
  });
});
