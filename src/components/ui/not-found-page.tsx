import Link from "next/link";
import type { ReactNode } from "react";

/** What a deep link to something this organization does not have shows (served with a 404). */
export function NotFoundPage({
  title,
  backHref,
  backLabel,
  children,
}: {
  title: string;
  backHref: string;
  backLabel: string;
  children: ReactNode;
}) {
  return (
    <div className="space-y-3" data-testid="not-found">
      <Link href={backHref} className="text-sm text-blue-700 hover:underline">
        ← {backLabel}
      </Link>
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="max-w-2xl text-sm text-slate-600">{children}</p>
    </div>
  );
}
