import { toastFailure } from "@/components/ui/failure";
import { toast } from "@/components/ui/toast";
import { isContextConflict } from "./approval-state";

interface Approved {
  status: string;
  approvals?: number | undefined;
  requiredApprovals?: number | undefined;
}

/** The toast for an approve answer: queued, a vote recorded toward the quorum, or decided elsewhere. */
export function toastApproved(
  action: { actionType: string; requiredApprovals: number },
  result: Approved,
  override: boolean,
) {
  if (result.status === "QUEUED") {
    toast.success(`${override ? "Override approved" : "Approved"} ${action.actionType}: QUEUED`);
  } else if (result.status === "PENDING_APPROVAL" && result.approvals !== undefined) {
    toast.success(`Approval recorded (${result.approvals} of ${result.requiredApprovals ?? action.requiredApprovals})`);
  } else {
    toast.info(`Action is already ${result.status}`);
  }
}

/**
 * A refused approval, with the backend message (a 409 asks for a second look rather than reporting
 * a failure); one that never reached the server says it was not recorded and offers `retry`.
 */
export function toastApprovalFailure(error: unknown, retry?: () => unknown) {
  toastFailure(isContextConflict(error) ? "Review the action again" : "Approval failed", error, retry);
}
