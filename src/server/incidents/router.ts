import { z } from "zod";
import { requires, router } from "@/server/trpc";
import { createIncident } from "./create-incident";
import { getIncident } from "./get-incident";
import { listIncidents } from "./list-incidents";
import {
  createIncidentInput,
  createIncidentOutput,
  getIncidentInput,
  incidentSchema,
  incidentWithSuggestionsSchema,
  listIncidentsInput,
} from "./schemas";

export const incidentsRouter = router({
  list: requires("remediation:view")
    .input(listIncidentsInput)
    .output(z.array(incidentSchema))
    .query(({ ctx, input }) => listIncidents(ctx, input)),
  get: requires("remediation:view")
    .input(getIncidentInput)
    .output(incidentWithSuggestionsSchema)
    .query(({ ctx, input }) => getIncident(ctx, input)),
  create: requires("incident:write")
    .input(createIncidentInput)
    .output(createIncidentOutput)
    .mutation(({ ctx, input }) => createIncident(ctx, input)),
});
