import { describe, expect, it } from "vitest";
import { buildArguments, fieldsFromSchema, valuesFromArguments } from "./form";

// Shaped like the schemas schemars writes for our tools.
const schema = {
  type: "object",
  required: ["workspace_id", "table_id"],
  properties: {
    limit: { type: ["integer", "null"], format: "uint32", description: "Rows per page." },
    workspace_id: { description: "Workspace id, e.g. 1 or \"ws_1\".", anyOf: [{ type: "integer" }, { type: "string" }] },
    table_id: { $ref: "#/$defs/IdArg" },
    filters: { type: ["object", "null"], description: "Field filters." },
    sort_direction: { enum: ["asc", "desc"] },
    dry_run: { type: "boolean" },
    mode: { anyOf: [{ const: "fast" }, { const: "exact" }, { type: "null" }] },
    ratio: { type: "number" },
  },
  $defs: { IdArg: { anyOf: [{ type: "integer" }, { type: "string" }], description: "Table id or name." } },
};

describe("fieldsFromSchema", () => {
  const fields = fieldsFromSchema(schema);
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));

  it("puts required fields first and marks them", () => {
    expect(fields.slice(0, 2).map((f) => f.name)).toEqual(["workspace_id", "table_id"]);
    expect(byName.workspace_id?.required).toBe(true);
    expect(byName.limit?.required).toBe(false);
  });

  it("picks a control per type, following $ref and nullable unions", () => {
    expect(byName.limit?.kind).toBe("integer");
    expect(byName.workspace_id?.kind).toBe("string");
    expect(byName.table_id?.kind).toBe("string");
    expect(byName.table_id?.description).toBe("Table id or name.");
    expect(byName.filters?.kind).toBe("json");
    expect(byName.sort_direction?.kind).toBe("enum");
    expect(byName.sort_direction?.options).toEqual(["asc", "desc"]);
    expect(byName.mode?.options).toEqual(["fast", "exact"]);
    expect(byName.dry_run?.kind).toBe("boolean");
    expect(byName.ratio?.kind).toBe("number");
    expect(byName.workspace_id?.label).toBe("Workspace id");
  });

  it("survives a schema without properties", () => {
    expect(fieldsFromSchema({ type: "object" })).toEqual([]);
    expect(fieldsFromSchema(null)).toEqual([]);
  });
});

describe("buildArguments", () => {
  const fields = fieldsFromSchema(schema);

  it("converts values and leaves out empty optional fields", () => {
    const { args, errors } = buildArguments(fields, {
      workspace_id: "1",
      table_id: "customers",
      limit: "25",
      filters: '{"status": "active"}',
      ratio: "0.5",
      dry_run: true,
      sort_direction: "",
    });
    expect(errors).toEqual({});
    expect(args).toEqual({ workspace_id: 1, table_id: "customers", limit: 25, filters: { status: "active" }, ratio: 0.5, dry_run: true });
  });

  it("names every field that is wrong", () => {
    const { errors } = buildArguments(fields, { table_id: "", limit: "2.5", filters: "{oops" });
    expect(Object.keys(errors).sort()).toEqual(["filters", "limit", "table_id", "workspace_id"]);
    expect(errors.limit).toMatch(/whole number/);
    expect(errors.filters).toMatch(/JSON/);
    expect(errors.workspace_id).toMatch(/required/);
  });

  it("round-trips through the raw JSON mode", () => {
    const args = { workspace_id: 1, table_id: "orders", filters: { a: 1 }, dry_run: false };
    const back = buildArguments(fields, valuesFromArguments(fields, args));
    expect(back.errors).toEqual({});
    expect(back.args).toEqual(args);
  });
});
