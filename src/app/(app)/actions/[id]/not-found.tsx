import { NotFoundPage } from "@/components/ui/not-found-page";

export default function ActionNotFound() {
  return (
    <NotFoundPage title="Action not found" backHref="/control-center" backLabel="Control Center">
      No remediation action with this id exists in your organization. It may belong to another organization, or the link
      may be mistyped.
    </NotFoundPage>
  );
}
