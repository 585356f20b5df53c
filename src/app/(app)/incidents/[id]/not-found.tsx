import { NotFoundPage } from "@/components/ui/not-found-page";

export default function IncidentNotFound() {
  return (
    <NotFoundPage title="Incident not found" backHref="/incidents" backLabel="Incidents">
      No incident with this id exists in your organization. It may belong to another organization, or the link may be
      mistyped.
    </NotFoundPage>
  );
}
