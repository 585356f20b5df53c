import type { Metadata } from "next";
import { ControlCenter } from "@/components/control-center/control-center";
import { HydrateClient } from "../server-trpc";
import { prefetchControlCenter } from "./prefetch";

export const metadata: Metadata = { title: "Control Center · Remediation Control Center" };

/** Rendered with its hero, stats and pending queue already read (docs/architecture.md#server-rendered-data). */
export default async function ControlCenterPage() {
  await prefetchControlCenter();
  return (
    <HydrateClient>
      <ControlCenter />
    </HydrateClient>
  );
}
