import { z } from "zod";
import {
  environmentSchema,
  incidentStatusSchema,
  limitSchema,
  queryField,
  severitySchema,
  storableJson,
  storableString,
} from "@/lib/schemas";

const suggestionSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  actionType: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  confidence: z.number().nullable(),
});

export const incidentSchema = z.object({
  id: z.string(),
  organizationId: z.string(),
  externalId: z.string().nullable(),
  title: z.string(),
  serviceName: z.string(),
  environment: z.string(),
  severity: severitySchema,
  status: incidentStatusSchema,
  summary: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const incidentWithSuggestionsSchema = incidentSchema.extend({
  suggestions: z.array(suggestionSchema),
});

export const listIncidentsInput = z
  .object({
    status: queryField(incidentStatusSchema.optional()),
    environment: queryField(environmentSchema.optional()),
    limit: queryField(limitSchema(50, 500)),
  })
  .optional()
  .transform((v) => v ?? { limit: 50 });

export const getIncidentInput = z.object({ id: z.string() });

export const createIncidentInput = z.strictObject({
  title: storableString().trim().min(1, "title is required").max(300),
  serviceName: storableString().trim().min(1, "serviceName is required").max(200),
  environment: environmentSchema,
  severity: severitySchema,
  summary: storableString().max(10_000).optional().nullable(),
  externalId: storableString().trim().min(1).max(200).optional().nullable(),
  /** OPEN when absent on a new incident; absent on an update keeps the stored status. */
  status: incidentStatusSchema.optional(),
  suggestions: z
    .array(
      z.strictObject({
        title: storableString().trim().min(1, "title is required").max(300),
        description: storableString().max(5000).optional().nullable(),
        actionType: storableString().trim().min(1, "actionType is required").max(100),
        parameters: storableJson(z.record(z.string(), z.unknown())).default({}),
        confidence: z.number().min(0).max(1).optional().nullable(),
      }),
    )
    .max(50, "at most 50 suggestions")
    .optional(),
});

export const createIncidentOutput = z.object({
  created: z.boolean(),
  incident: incidentWithSuggestionsSchema,
});
