import type { Metadata } from "next";
import { IncidentList } from "@/components/incident/incident-list";
import { UrlState } from "@/components/ui/url-state";

export const metadata: Metadata = { title: "Incidents · Remediation Control Center" };

export default function IncidentsPage() {
  return (
    <UrlState>
      <IncidentList />
    </UrlState>
  );
}
