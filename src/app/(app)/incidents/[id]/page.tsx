import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { IncidentDetail } from "@/components/incident/incident-detail";
import { pageTitle, readIncident } from "../../server-caller";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const incident = await readIncident((await params).id);
  if (!incident) return { title: pageTitle("Incident not found") };
  return { title: pageTitle(incident.externalId ? `${incident.externalId} ${incident.title}` : incident.title) };
}

export default async function IncidentPage({ params }: Props) {
  const { id } = await params;
  if (!(await readIncident(id))) notFound();
  return <IncidentDetail id={id} />;
}
