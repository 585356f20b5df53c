export default function SettingsPage() {
  return (
    <section aria-labelledby="settings-title" className="space-y-4">
      <h1 id="settings-title" className="text-2xl font-semibold">
        Settings
      </h1>
      <p className="text-sm text-slate-600">
        Reporting, policy and token settings arrive with the reporting and UI issues.
      </p>
    </section>
  );
}
