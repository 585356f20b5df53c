import type { Metadata } from "next";
import { SettingsPage } from "@/components/settings/settings-page";

export const metadata: Metadata = { title: "Settings · Remediation Control Center" };

export default function Settings() {
  return <SettingsPage />;
}
