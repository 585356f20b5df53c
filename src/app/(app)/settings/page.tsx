import type { Metadata } from "next";
import { SettingsPage } from "@/components/settings/settings-page";
import { UrlState } from "@/components/ui/url-state";

export const metadata: Metadata = { title: "Settings · Remediation Control Center" };

export default function Settings() {
  return (
    <UrlState>
      <SettingsPage />
    </UrlState>
  );
}
