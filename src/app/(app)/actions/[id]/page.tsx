import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ActionDetail } from "@/components/action/action-detail";
import { pageTitle, readAction } from "../../server-caller";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const action = await readAction((await params).id);
  if (!action) return { title: pageTitle("Action not found") };
  return { title: pageTitle(`${action.actionType} ${action.serviceName ?? action.environment}`) };
}

/** An action's own page (docs/behaviour.md#operator-ui): a 404 for an id this organization does not have. */
export default async function ActionPage({ params }: Props) {
  const { id } = await params;
  if (!(await readAction(id))) notFound();
  return <ActionDetail id={id} />;
}
