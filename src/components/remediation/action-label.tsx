import { formatParameters } from "@/components/ui/format";

/** Action type with its parameters, as sent to the executor. */
export function ActionLabel({ actionType, parameters }: { actionType: string; parameters: Record<string, unknown> }) {
  return (
    <span className="min-w-0">
      <span className="font-medium text-slate-900">{actionType}</span>
      <span className="block truncate font-mono text-xs text-slate-500" title={formatParameters(parameters)}>
        {formatParameters(parameters)}
      </span>
    </span>
  );
}
