import { IncidentList } from "@/components/incident/incident-list";

export default function IncidentsPage() {
  return <IncidentList />;
}
