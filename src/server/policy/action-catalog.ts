// The catalog is pure and isomorphic (the UI maps suggestions through it), so it lives in
// src/lib; the server imports it from here, beside the policy that refers to its types.
export {
  ACTION_PARAMETER_SCHEMAS,
  ACTION_TYPES,
  type ActionType,
  actionTypeSchema,
  isActionType,
  mapSuggestionToAction,
  type ParsedParameters,
  parseActionParameters,
  UNMAPPABLE_SUGGESTION_MESSAGE,
} from "@/lib/action-catalog";
