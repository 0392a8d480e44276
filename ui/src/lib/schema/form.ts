// Builds a form from a tool's JSON Schema and turns the form's values back into arguments.
// Supported: string, integer, number, boolean, enum, and "anything else" (objects, arrays, unions)
// as a JSON text field. Required fields are marked; empty optional fields are left out.

export type FieldKind = "string" | "integer" | "number" | "boolean" | "enum" | "json";

export interface FormField {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  description: string;
  options: string[];
  placeholder: string;
}

type Schema = Record<string, unknown>;

function asSchema(v: unknown): Schema {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Schema) : {};
}

/** Resolves `$ref: "#/$defs/X"` (and `definitions`) against the root schema. */
function resolve(schema: Schema, root: Schema): Schema {
  const ref = schema["$ref"];
  if (typeof ref === "string" && ref.startsWith("#/")) {
    let node: unknown = root;
    for (const part of ref.slice(2).split("/")) node = asSchema(node)[part];
    return { ...asSchema(node), ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$ref")) };
  }
  return schema;
}

/** The non-null types a property allows. */
function typesOf(schema: Schema, root: Schema): string[] {
  const t = schema["type"];
  if (typeof t === "string") return t === "null" ? [] : [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === "string" && x !== "null");
  for (const key of ["anyOf", "oneOf"]) {
    const list = schema[key];
    if (Array.isArray(list)) {
      const types = new Set<string>();
      for (const s of list) for (const x of typesOf(resolve(asSchema(s), root), root)) types.add(x);
      return [...types];
    }
  }
  return [];
}

function enumOf(schema: Schema, root: Schema): string[] | null {
  const e = schema["enum"];
  if (Array.isArray(e) && e.every((x) => typeof x === "string")) return e as string[];
  for (const key of ["anyOf", "oneOf"]) {
    const list = schema[key];
    if (Array.isArray(list)) {
      const values = list.map((s) => resolve(asSchema(s), root)).filter((s) => s["type"] !== "null");
      if (values.length > 0 && values.every((s) => typeof s["const"] === "string"))
        return values.map((s) => s["const"] as string);
      const inner = values.length === 1 && values[0] ? enumOf(values[0], root) : null;
      if (inner) return inner;
    }
  }
  return null;
}

function kindOf(schema: Schema, root: Schema): { kind: FieldKind; options: string[] } {
  const options = enumOf(schema, root);
  if (options) return { kind: "enum", options };
  const types = typesOf(schema, root);
  if (types.length === 1) {
    const [t] = types;
    if (t === "string" || t === "integer" || t === "number" || t === "boolean") return { kind: t, options: [] };
  }
  // Our id arguments accept a number or a string ("ws_1", "customers"): a text field keeps both.
  if (types.length > 0 && types.every((t) => t === "string" || t === "integer" || t === "number"))
    return { kind: "string", options: [] };
  return { kind: "json", options: [] };
}

function labelOf(name: string): string {
  const words = name.replace(/_/g, " ").replace(/([a-z])([A-Z])/g, "$1 $2");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The form fields of an object schema, required ones first, in schema order otherwise. */
export function fieldsFromSchema(input: unknown): FormField[] {
  const root = asSchema(input);
  const props = asSchema(root["properties"]);
  const required = new Set(Array.isArray(root["required"]) ? (root["required"] as string[]) : []);
  const fields = Object.entries(props).map(([name, raw]) => {
    const schema = resolve(asSchema(raw), root);
    const { kind, options } = kindOf(schema, root);
    const example = schema["examples"];
    return {
      name,
      label: labelOf(name),
      kind,
      required: required.has(name),
      description: typeof schema["description"] === "string" ? (schema["description"] as string) : "",
      options,
      placeholder: Array.isArray(example) && example.length > 0 ? JSON.stringify(example[0]) : kind === "json" ? "JSON, e.g. {\"status\": \"active\"}" : "",
    } satisfies FormField;
  });
  return [...fields.filter((f) => f.required), ...fields.filter((f) => !f.required)];
}

export type FormValues = Record<string, string | boolean>;

export interface BuildResult {
  args: Record<string, unknown>;
  /** Field name → what is wrong with it. */
  errors: Record<string, string>;
}

/** Turns form values into tool arguments, checking required fields, numbers and JSON. */
export function buildArguments(fields: FormField[], values: FormValues): BuildResult {
  const args: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const raw = values[f.name];
    if (f.kind === "boolean") {
      if (raw === true || raw === false) args[f.name] = raw;
      continue;
    }
    const text = typeof raw === "string" ? raw.trim() : "";
    if (text === "") {
      if (f.required) errors[f.name] = `${f.label} is required.`;
      continue;
    }
    if (f.kind === "integer" || f.kind === "number") {
      const n = Number(text);
      if (!Number.isFinite(n) || (f.kind === "integer" && !Number.isInteger(n))) errors[f.name] = `${f.label} must be ${f.kind === "integer" ? "a whole number" : "a number"}.`;
      else args[f.name] = n;
    } else if (f.kind === "json") {
      try {
        args[f.name] = JSON.parse(text);
      } catch {
        errors[f.name] = `${f.label} is not valid JSON. Check quotes and brackets, e.g. {"status": "active"}.`;
      }
    } else if (f.kind === "string" && /^-?\d+$/.test(text) && !f.description.toLowerCase().includes("text")) {
      // Ids typed as digits go as numbers, as the AI apps send them.
      args[f.name] = Number(text);
    } else {
      args[f.name] = text;
    }
  }
  return { args, errors };
}

/** Form values from arguments (switching from raw JSON back to the form). */
export function valuesFromArguments(fields: FormField[], args: Record<string, unknown>): FormValues {
  const values: FormValues = {};
  for (const f of fields) {
    const v = args[f.name];
    if (v === undefined || v === null) continue;
    if (f.kind === "boolean") values[f.name] = v === true;
    else if (f.kind === "json") values[f.name] = JSON.stringify(v, null, 2);
    else values[f.name] = String(v);
  }
  return values;
}
