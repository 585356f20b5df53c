import type { Metadata } from "next";
import { IncidentList } from "@/components/incident/incident-list";

export const metadata: Metadata = { title: "Incidents · Remediation Control Center" };

export default function IncidentsPage() {
  return <IncidentList />;
}
