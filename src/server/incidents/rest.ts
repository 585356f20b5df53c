import { z } from "zod";
import type { RestRoute } from "@/server/rest/types";
import { incidentSchema, incidentWithSuggestionsSchema } from "./schemas";

export const incidentRoutes: RestRoute[] = [
  {
    method: "POST",
    path: "/incidents",
    procedure: "incidents.create",
    summary: "Create an incident with diagnosis suggestions (201), or update the one with the same externalId (200)",
    respond: (result: { created: boolean; incident: unknown }) => ({
      status: result.created ? 201 : 200,
      body: result.incident,
    }),
    successStatus: 201,
    response: incidentWithSuggestionsSchema,
  },
  {
    method: "GET",
    path: "/incidents",
    procedure: "incidents.list",
    summary: "List incidents, newest first",
    response: z.array(incidentSchema),
  },
  {
    method: "GET",
    path: "/incidents/:id",
    procedure: "incidents.get",
    summary: "One incident with its diagnosis suggestions",
    response: incidentWithSuggestionsSchema,
  },
];
