import type { Metadata } from "next";
import { ControlCenter } from "@/components/control-center/control-center";

export const metadata: Metadata = { title: "Control Center · Remediation Control Center" };

export default function ControlCenterPage() {
  return <ControlCenter />;
}
