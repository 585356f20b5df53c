import { incidentWithSuggestionsSchema } from "@/server/incidents/schemas";
import type { RestRoute } from "../types";

export const incidentRoutes: RestRoute[] = [
  {
    method: "POST",
    path: "/incidents",
    procedure: "incidents.create",
    summary: "Create an incident with diagnosis suggestions (201), or update the one with the same externalId (200)",
    respond: (result) => ({ status: result.created ? 201 : 200, body: result.incident }),
    response: incidentWithSuggestionsSchema,
    successStatus: 201,
  },
  {
    method: "GET",
    path: "/incidents",
    procedure: "incidents.list",
    summary: "List incidents, newest first",
  },
  {
    method: "GET",
    path: "/incidents/:id",
    procedure: "incidents.get",
    summary: "One incident with its diagnosis suggestions",
  },
];
