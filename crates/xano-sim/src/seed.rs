//! The demo data: "Acme Store" (customers, orders, products, a storefront and an admin API, a day
//! of traffic) and "Marketing Site" (leads, one small API, a little traffic).
//!
//! Invariants: everything is derived from fixed RNG seeds and the clock value passed in, so a
//! fixed clock gives identical data on every start; all times lie before `now`; customer and
//! order ids increase with `created_at`; exactly [`DUPLICATE_EMAILS`] customer emails appear
//! twice and no other value of `email` repeats; product `sku`s are unique (and a unique index
//! says so); every order's `customer_id` names an existing customer created before the order.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::clock::DAY_MS;
use crate::demo;
use crate::schema::Field;
use crate::store::{
    ApiGroup, Branch, DataSource, Endpoint, EndpointInput, IdKind, InputSource, Instance,
    ResponseShape, Store, Workspace,
};
use crate::table::{Index, Rows, Table};
use crate::traffic;

/// How many customer emails appear twice.
pub(crate) const DUPLICATE_EMAILS: usize = 5;
const CUSTOMER_COUNT: usize = 300;
const ORDER_COUNT: usize = 600;
const PRODUCT_COUNT: usize = 40;
const LEAD_COUNT: usize = 20;
const STORE_HISTORY: usize = 3000;
const MARKETING_HISTORY: usize = 40;

/// The instance every sim pretends to be.
pub(crate) fn instance() -> Instance {
    Instance {
        id: 1,
        name: "x8ki-letl-twmt".to_owned(),
        display: "Acme Production".to_owned(),
        xano_domain: "x8ki-letl-twmt.n7.xano.io".to_owned(),
    }
}

/// One empty workspace (a Xano instance always has one).
pub(crate) fn empty(store: &mut Store, now: i64) {
    add_workspace(store, demo::WORKSPACE_ID, "My Workspace", "", now, false);
}

/// The full demo data set.
pub(crate) fn demo(store: &mut Store, now: i64) {
    let mut rng = fastrand::Rng::with_seed(20_240_419);
    add_workspace(
        store,
        demo::WORKSPACE_ID,
        "Acme Store",
        "Online store backend: customers, orders, products and the storefront API.",
        now,
        true,
    );
    let customers = customers_table(store, &mut rng, now);
    let orders = orders_table(store, &mut rng, now, &customers);
    let products = products_table(store, &mut rng, now);
    let tables = TableIds {
        customers: customers.id,
        orders: orders.id,
        products: products.id,
    };
    for table in [customers, orders, products] {
        insert_table(store, demo::WORKSPACE_ID, table);
    }
    add_group(
        store,
        demo::WORKSPACE_ID,
        demo::STOREFRONT_API,
        "Public API of the Acme web shop and mobile app.",
        "Xy12abCd",
        &storefront_endpoints(),
        &tables,
        now - 690 * DAY_MS,
    );
    add_group(
        store,
        demo::WORKSPACE_ID,
        demo::ADMIN_API,
        "Back-office endpoints for the Acme support and operations team.",
        "Ad9mQz7K",
        &admin_endpoints(),
        &tables,
        now - 500 * DAY_MS,
    );
    traffic::plan(
        store,
        demo::WORKSPACE_ID,
        STORE_HISTORY,
        (now - DAY_MS + 60_000, now - 1_000),
        0xAC3E,
    );

    add_workspace(
        store,
        demo::SECOND_WORKSPACE_ID,
        "Marketing Site",
        "Landing pages and lead capture.",
        now - 200 * DAY_MS,
        true,
    );
    let leads = leads_table(store, &mut rng, now);
    let lead_tables = TableIds {
        customers: leads.id,
        orders: leads.id,
        products: leads.id,
    };
    insert_table(store, demo::SECOND_WORKSPACE_ID, leads);
    add_group(
        store,
        demo::SECOND_WORKSPACE_ID,
        "Website API",
        "Forms and content for the marketing site.",
        "Mk4tLd2s",
        &marketing_endpoints(),
        &lead_tables,
        now - 190 * DAY_MS,
    );
    traffic::plan(
        store,
        demo::SECOND_WORKSPACE_ID,
        MARKETING_HISTORY,
        (now - DAY_MS + 60_000, now - 1_000),
        0x3A4C,
    );
}

fn add_workspace(
    store: &mut Store,
    id: i64,
    name: &str,
    description: &str,
    now: i64,
    with_dev_branch: bool,
) {
    let mut branches = vec![Branch {
        id: store.next_id(IdKind::Branch),
        label: "v1".to_owned(),
        created_at_ms: now - 730 * DAY_MS,
        live: true,
        backup: false,
    }];
    if with_dev_branch {
        branches.push(Branch {
            id: store.next_id(IdKind::Branch),
            label: "dev".to_owned(),
            created_at_ms: now - 30 * DAY_MS,
            live: false,
            backup: false,
        });
    }
    let data_sources = vec![
        DataSource {
            label: "live".to_owned(),
            color: "#008000".to_owned(),
        },
        DataSource {
            label: "test".to_owned(),
            color: "#ebc346".to_owned(),
        },
    ];
    store.workspaces.insert(
        id,
        Workspace::new(id, name, description, branches, data_sources),
    );
}

/// A new, empty table with a primary index (used by the seed and by `POST .../table`).
pub(crate) fn new_table(store: &mut Store, name: &str, fields: Vec<Field>, now: i64) -> Table {
    let primary = Index {
        id: store.index_id(),
        kind: "primary".to_owned(),
        fields: vec![json!({"name": "id", "op": "asc"})],
        extra: Map::new(),
    };
    Table {
        id: store.next_id(IdKind::Table),
        created_at_ms: now,
        updated_at_ms: now,
        name: name.to_owned(),
        description: String::new(),
        docs: String::new(),
        guid: store.guid(),
        auth: false,
        tags: Vec::new(),
        fields,
        indexes: vec![primary],
        data: BTreeMap::from([("live".to_owned(), Rows::default())]),
    }
}

fn insert_table(store: &mut Store, workspace_id: i64, table: Table) {
    if let Some(ws) = store.workspaces.get_mut(&workspace_id) {
        ws.tables.insert(table.id, table);
    }
}

fn add_index(store: &mut Store, table: &mut Table, kind: &str, column: &str, op: &str) {
    table.indexes.push(Index {
        id: store.index_id(),
        kind: kind.to_owned(),
        fields: vec![json!({"name": column, "op": op})],
        extra: Map::new(),
    });
}

/// Stores seed rows through the same checks clients go through.
fn fill(table: &mut Table, bodies: Vec<Map<String, Value>>, now: i64) {
    let records: Vec<_> = bodies
        .iter()
        .enumerate()
        .filter_map(|(i, body)| table.build_record(body, i as i64 + 1, false, now).ok())
        .collect();
    debug_assert_eq!(records.len(), bodies.len(), "seed rows must be valid");
    table.store("live", records);
}

fn weighted<'a>(rng: &mut fastrand::Rng, choices: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut n = rng.u32(..total);
    for (item, w) in choices {
        if n < *w {
            return item;
        }
        n -= w;
    }
    choices[0].0
}

fn money(cents: u32) -> Value {
    json!(f64::from(cents) / 100.0)
}

const FIRST_NAMES: [&str; 40] = [
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Mateo", "Sofia", "Lucas", "Mia", "Ethan", "Amara",
    "Kenji", "Priya", "Diego", "Chloe", "Omar", "Hana", "Jonas", "Lea", "Ravi", "Isabela", "Felix",
    "Yuki", "Samuel", "Nora", "Arjun", "Elena", "Tomas", "Zara", "Malik", "Ingrid", "Wei",
    "Camila", "Hugo", "Aisha", "Leo", "Freya", "Mohammed", "Lucia", "Daniel",
];
const LAST_NAMES: [&str; 40] = [
    "Smith",
    "Garcia",
    "Muller",
    "Rossi",
    "Tanaka",
    "Nguyen",
    "Silva",
    "Kowalski",
    "Johansson",
    "Dubois",
    "Patel",
    "Kim",
    "Lopez",
    "Novak",
    "Okafor",
    "Schmidt",
    "Costa",
    "Ivanova",
    "Chen",
    "Brown",
    "Martin",
    "Haddad",
    "Yilmaz",
    "Sato",
    "Fernandez",
    "Larsen",
    "Moreau",
    "Singh",
    "Wilson",
    "Herrera",
    "Berg",
    "Khan",
    "Alvarez",
    "Fischer",
    "Romano",
    "Park",
    "Santos",
    "Jensen",
    "Cohen",
    "Murphy",
];
const DOMAINS: [&str; 6] = [
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "proton.me",
    "acme-mail.com",
    "example.org",
];

fn customers_table(store: &mut Store, rng: &mut fastrand::Rng, now: i64) -> Table {
    let fields = vec![
        Field::primary_id(),
        Field::created_at(),
        Field::new("name", "text")
            .required()
            .with_description("Full name"),
        Field::new("email", "text")
            .with_description("Contact email (not unique: a few customers signed up twice)"),
        Field::new("status", "enum")
            .with_values(&["active", "inactive", "churned"])
            .with_default("active"),
        Field::new("subscription_tier", "enum")
            .with_values(&["free", "pro", "enterprise"])
            .with_default("free"),
        Field::new("region", "text").with_description("US, EU, APAC or LATAM"),
        Field::new("priority", "enum")
            .with_values(&["low", "normal", "high"])
            .with_default("normal"),
        Field::new("last_login", "timestamp"),
    ];
    let mut table = new_table(store, demo::CUSTOMERS, fields, now - 730 * DAY_MS);
    table.description = "People who bought or signed up at the Acme store.".to_owned();
    table.auth = true;
    table.tags = vec!["crm".to_owned()];
    add_index(store, &mut table, "btree", "email", "asc");
    add_index(store, &mut table, "btree", "created_at", "desc");

    let mut created: Vec<i64> = (0..CUSTOMER_COUNT)
        .map(|_| now - rng.i64(DAY_MS..=728 * DAY_MS))
        .collect();
    created.sort_unstable();
    let mut used_emails = BTreeSet::new();
    let mut bodies = Vec::with_capacity(CUSTOMER_COUNT);
    for created_at in &created {
        let first = FIRST_NAMES[rng.usize(..FIRST_NAMES.len())];
        let last = LAST_NAMES[rng.usize(..LAST_NAMES.len())];
        let domain = DOMAINS[rng.usize(..DOMAINS.len())];
        let base = format!("{}.{}", first.to_lowercase(), last.to_lowercase());
        let mut email = format!("{base}@{domain}");
        let mut n = 2;
        while used_emails.contains(&email) {
            email = format!("{base}{n}@{domain}");
            n += 1;
        }
        used_emails.insert(email.clone());
        let last_login = if rng.f64() < 0.05 {
            Value::Null
        } else {
            json!(rng.i64(*created_at..=now - 60_000))
        };
        bodies.push(json!({
            "created_at": created_at,
            "name": format!("{first} {last}"),
            "email": email,
            "status": weighted(rng, &[("active", 70), ("inactive", 20), ("churned", 10)]),
            "subscription_tier": weighted(rng, &[("free", 60), ("pro", 30), ("enterprise", 10)]),
            "region": weighted(rng, &[("US", 40), ("EU", 30), ("APAC", 20), ("LATAM", 10)]),
            "priority": weighted(rng, &[("low", 25), ("normal", 60), ("high", 15)]),
            "last_login": last_login,
        }));
    }
    // A few people signed up twice with the same address: later rows copy earlier emails.
    for k in 0..DUPLICATE_EMAILS {
        let source = 10 + k * 37;
        let target = 150 + k * 29;
        let email = bodies[source]["email"].clone();
        bodies[target]["email"] = email;
    }
    let bodies = bodies
        .into_iter()
        .filter_map(|b| b.as_object().cloned())
        .collect();
    fill(&mut table, bodies, now);
    table
}

fn orders_table(store: &mut Store, rng: &mut fastrand::Rng, now: i64, customers: &Table) -> Table {
    let fields = vec![
        Field::primary_id(),
        Field::created_at(),
        Field::new("customer_id", "int")
            .with_tableref(customers.id)
            .required(),
        Field::new("total", "decimal").with_description("Order total in USD"),
        Field::new("status", "enum")
            .with_values(&["pending", "paid", "shipped", "refunded"])
            .with_default("pending"),
    ];
    let mut table = new_table(store, demo::ORDERS, fields, now - 729 * DAY_MS);
    table.description = "Orders placed in the store.".to_owned();
    table.tags = vec!["sales".to_owned()];
    add_index(store, &mut table, "btree", "customer_id", "asc");

    // (customer id, customer created_at)
    let known: Vec<(i64, i64)> = customers
        .records("live")
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap_or(1),
                r["created_at"].as_i64().unwrap_or(now),
            )
        })
        .collect();
    let mut orders: Vec<(i64, i64)> = (0..ORDER_COUNT)
        .map(|_| {
            let (id, customer_created_at) = known[rng.usize(..known.len())];
            (rng.i64(customer_created_at..=now - 60_000), id)
        })
        .collect();
    orders.sort_unstable();
    let bodies = orders
        .into_iter()
        .filter_map(|(created_at, customer_id)| {
            json!({
                "created_at": created_at,
                "customer_id": customer_id,
                "total": money(rng.u32(500..=50_000)),
                "status": weighted(rng, &[("pending", 10), ("paid", 40), ("shipped", 40), ("refunded", 10)]),
            })
            .as_object()
            .cloned()
        })
        .collect();
    fill(&mut table, bodies, now);
    table
}

const ADJECTIVES: [&str; 8] = [
    "Classic", "Ultra", "Eco", "Smart", "Pro", "Compact", "Deluxe", "Everyday",
];
const NOUNS: [(&str, &str); 10] = [
    ("Hoodie", "Apparel"),
    ("Sneakers", "Apparel"),
    ("Headphones", "Electronics"),
    ("Charger", "Electronics"),
    ("Desk Lamp", "Home"),
    ("Mug", "Home"),
    ("Backpack", "Outdoors"),
    ("Water Bottle", "Outdoors"),
    ("Notebook", "Books"),
    ("Cookbook", "Books"),
];

fn products_table(store: &mut Store, rng: &mut fastrand::Rng, now: i64) -> Table {
    let fields = vec![
        Field::primary_id(),
        Field::created_at(),
        Field::new("name", "text").required(),
        Field::new("sku", "text").required(),
        Field::new("price", "decimal"),
        Field::new("stock", "int"),
        Field::new("category", "text"),
    ];
    let mut table = new_table(store, demo::PRODUCTS, fields, now - 728 * DAY_MS);
    table.description = "The product catalogue.".to_owned();
    table.tags = vec!["catalogue".to_owned()];
    add_index(store, &mut table, "unique", "sku", "asc");
    let mut created: Vec<i64> = (0..PRODUCT_COUNT)
        .map(|_| now - rng.i64(DAY_MS..=720 * DAY_MS))
        .collect();
    created.sort_unstable();
    let bodies = created
        .into_iter()
        .enumerate()
        .filter_map(|(i, created_at)| {
            let (noun, category) = NOUNS[i % NOUNS.len()];
            let adjective = ADJECTIVES[(i / NOUNS.len() + i) % ADJECTIVES.len()];
            json!({
                "created_at": created_at,
                "name": format!("{adjective} {noun}"),
                "sku": format!("ACME-{:04}", 1001 + i),
                "price": money(rng.u32(499..=29_999)),
                "stock": rng.i64(0..=500),
                "category": category,
            })
            .as_object()
            .cloned()
        })
        .collect();
    fill(&mut table, bodies, now);
    table
}

fn leads_table(store: &mut Store, rng: &mut fastrand::Rng, now: i64) -> Table {
    let fields = vec![
        Field::primary_id(),
        Field::created_at(),
        Field::new("name", "text").required(),
        Field::new("email", "text"),
        Field::new("company", "text"),
        Field::new("source", "enum").with_values(&["organic", "ads", "referral", "event"]),
    ];
    let mut table = new_table(store, demo::LEADS, fields, now - 200 * DAY_MS);
    table.description = "Contact-form leads.".to_owned();
    let mut created: Vec<i64> = (0..LEAD_COUNT)
        .map(|_| now - rng.i64(DAY_MS..=60 * DAY_MS))
        .collect();
    created.sort_unstable();
    let companies = [
        "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay",
    ];
    let bodies = created
        .into_iter()
        .enumerate()
        .filter_map(|(i, created_at)| {
            let first = FIRST_NAMES[(i * 7 + 3) % FIRST_NAMES.len()];
            let last = LAST_NAMES[(i * 11 + 5) % LAST_NAMES.len()];
            let company = companies[rng.usize(..companies.len())];
            json!({
                "created_at": created_at,
                "name": format!("{first} {last}"),
                "email": format!("{}@{}.example", first.to_lowercase(), company.to_lowercase()),
                "company": company,
                "source": weighted(rng, &[("organic", 40), ("ads", 30), ("referral", 20), ("event", 10)]),
            })
            .as_object()
            .cloned()
        })
        .collect();
    fill(&mut table, bodies, now);
    table
}

/// Which table an endpoint works on.
#[derive(Debug, Clone, Copy)]
enum On {
    Customers,
    Orders,
    Products,
    Nothing,
}

/// A table's name and fields.
type NamedFields = (String, Vec<Field>);

struct TableIds {
    customers: i64,
    orders: i64,
    products: i64,
}

/// `(verb, path, table, response, authenticated, description, extra body inputs)`.
type EndpointSpec = (
    &'static str,
    &'static str,
    On,
    ResponseShape,
    bool,
    &'static str,
    &'static [(&'static str, &'static str, bool)],
);

#[rustfmt::skip]
fn storefront_endpoints() -> Vec<EndpointSpec> {
    use On::*;
    use ResponseShape::*;
    vec![
        ("POST", "auth/signup", Customers, Token, false, "Create a customer account and return an auth token.", &[("name", "text", true), ("email", "email", true), ("password", "password", true)]),
        ("POST", "auth/login", Customers, Token, false, "Log a customer in with email and password.", &[("email", "email", true), ("password", "password", true)]),
        ("GET", "auth/me", Customers, Record, true, "The logged-in customer.", &[]),
        ("GET", "customers", Customers, Paged, true, "List customers, newest first.", &[]),
        ("GET", "customers/{customers_id}", Customers, Record, true, "Get one customer.", &[]),
        ("POST", "customers", Customers, Record, true, "Add a customer.", &[]),
        ("PATCH", "customers/{customers_id}", Customers, Record, true, "Edit a customer.", &[]),
        ("DELETE", "customers/{customers_id}", Customers, Empty, true, "Delete a customer.", &[]),
        ("GET", "customers/{customers_id}/orders", Orders, List, true, "Orders of one customer.", &[]),
        ("GET", "customers/search", Customers, Paged, true, "Search customers by name or email.", &[("q", "text", true)]),
        ("GET", "products", Products, Paged, false, "Browse the catalogue.", &[]),
        ("GET", "products/{products_id}", Products, Record, false, "Get one product.", &[]),
        ("POST", "products", Products, Record, true, "Add a product.", &[]),
        ("PATCH", "products/{products_id}", Products, Record, true, "Edit a product.", &[]),
        ("DELETE", "products/{products_id}", Products, Empty, true, "Remove a product.", &[]),
        ("GET", "products/search", Products, Paged, false, "Full-text product search.", &[("q", "text", true)]),
        ("GET", "products/categories", Nothing, Object, false, "Category names with product counts.", &[]),
        ("GET", "products/{products_id}/related", Products, List, false, "Products bought together with this one.", &[]),
        ("GET", "products/featured", Products, List, false, "Hand-picked products for the home page.", &[]),
        ("GET", "orders", Orders, Paged, true, "List orders.", &[]),
        ("GET", "orders/{orders_id}", Orders, Record, true, "Get one order.", &[]),
        ("POST", "orders", Orders, Record, true, "Place an order.", &[]),
        ("PATCH", "orders/{orders_id}", Orders, Record, true, "Edit an order.", &[]),
        ("DELETE", "orders/{orders_id}", Orders, Empty, true, "Cancel an order.", &[]),
        ("POST", "orders/{orders_id}/refund", Orders, Object, true, "Refund an order through the payment provider.", &[("reason", "text", false)]),
        ("POST", "orders/{orders_id}/ship", Orders, Object, true, "Mark an order shipped and notify the customer.", &[("carrier", "text", true), ("tracking_number", "text", true)]),
        ("GET", "orders/{orders_id}/invoice", Orders, Object, true, "Render the invoice of an order.", &[]),
        ("GET", "cart", Nothing, Object, true, "The current cart.", &[]),
        ("POST", "cart/items", Nothing, Object, true, "Add a product to the cart.", &[("product_id", "int", true), ("quantity", "int", true)]),
        ("PATCH", "cart/items/{item_id}", Nothing, Object, true, "Change a cart line.", &[("quantity", "int", true)]),
        ("DELETE", "cart/items/{item_id}", Nothing, Empty, true, "Remove a cart line.", &[]),
        ("POST", "cart/checkout", Orders, Object, true, "Pay for the cart and create the order.", &[("payment_method", "text", true), ("coupon", "text", false)]),
        ("GET", "reports/sales", Nothing, Object, true, "Sales totals per day (slow: aggregates all orders).", &[]),
        ("GET", "reports/top-products", Products, List, true, "Best sellers of the last 30 days (slow).", &[]),
        ("POST", "webhooks/stripe", Nothing, Object, false, "Payment provider webhook.", &[("type", "text", true), ("data", "json", true)]),
        ("GET", "health", Nothing, Object, false, "Liveness probe.", &[]),
        ("GET", "inventory/low-stock", Products, List, true, "Products with fewer than 10 in stock.", &[]),
        ("POST", "newsletter/subscribe", Nothing, Object, false, "Subscribe an email address to the newsletter.", &[("email", "email", true)]),
        ("GET", "shipping/rates", Nothing, Object, false, "Shipping options for a destination.", &[]),
        ("POST", "coupons/validate", Nothing, Object, false, "Check a coupon code.", &[("code", "text", true)]),
        ("GET", "store/settings", Nothing, Object, false, "Public store settings (currency, languages).", &[]),
    ]
}

#[rustfmt::skip]
fn admin_endpoints() -> Vec<EndpointSpec> {
    use On::*;
    use ResponseShape::*;
    vec![
        ("POST", "admin/login", Nothing, Token, false, "Staff login.", &[("email", "email", true), ("password", "password", true)]),
        ("GET", "admin/customers", Customers, Paged, true, "All customers with filters.", &[]),
        ("PATCH", "admin/customers/{customers_id}/status", Customers, Record, true, "Change a customer's status.", &[("status", "text", true)]),
        ("DELETE", "admin/customers/{customers_id}", Customers, Empty, true, "Erase a customer (GDPR).", &[]),
        ("GET", "admin/orders", Orders, Paged, true, "All orders with filters.", &[]),
        ("POST", "admin/orders/export", Orders, Object, true, "Export orders as CSV (slow).", &[("from", "timestamp", false), ("to", "timestamp", false)]),
        ("GET", "admin/dashboard", Nothing, Object, true, "KPIs for the back office.", &[]),
        ("POST", "admin/products/import", Products, Object, true, "Import products from a CSV file (slow).", &[("file_url", "text", true)]),
        ("GET", "admin/audit", Nothing, Paged, true, "Staff actions.", &[]),
        ("GET", "admin/metrics", Nothing, Object, true, "Request metrics.", &[]),
    ]
}

#[rustfmt::skip]
fn marketing_endpoints() -> Vec<EndpointSpec> {
    use On::*;
    use ResponseShape::*;
    vec![
        ("GET", "leads", Customers, Paged, true, "List leads.", &[]),
        ("POST", "leads", Customers, Record, false, "Capture a lead from the contact form.", &[]),
        ("GET", "pages/{slug}", Nothing, Object, false, "A landing page by slug.", &[]),
        ("POST", "contact", Nothing, Object, false, "Send the contact form.", &[("email", "email", true), ("message", "text", true)]),
        ("GET", "health", Nothing, Object, false, "Liveness probe.", &[]),
    ]
}

#[allow(clippy::too_many_arguments)]
fn add_group(
    store: &mut Store,
    workspace_id: i64,
    name: &str,
    description: &str,
    canonical: &str,
    specs: &[EndpointSpec],
    tables: &TableIds,
    created_at: i64,
) {
    let Some(ws) = store.workspaces.get(&workspace_id) else {
        return;
    };
    let table_fields = |id: i64| -> (String, Vec<Field>) {
        ws.tables
            .get(&id)
            .map(|t| (t.name.clone(), t.fields.clone()))
            .unwrap_or_default()
    };
    let resolved: Vec<(Option<NamedFields>, &EndpointSpec)> = specs
        .iter()
        .map(|spec| {
            let table = match spec.2 {
                On::Customers => Some(table_fields(tables.customers)),
                On::Orders => Some(table_fields(tables.orders)),
                On::Products => Some(table_fields(tables.products)),
                On::Nothing => None,
            };
            (table, spec)
        })
        .collect();
    let auth_table = tables.customers;
    let group_id = store.next_id(IdKind::ApiGroup);
    let mut endpoints = BTreeMap::new();
    for (i, (table, spec)) in resolved.into_iter().enumerate() {
        let (verb, path, _, response, authenticated, description, extra) = *spec;
        let id = store.next_id(IdKind::Endpoint);
        let inputs = endpoint_inputs(verb, path, response, table.as_ref(), extra);
        let at = created_at + i as i64 * 3 * 3_600_000;
        endpoints.insert(
            id,
            Endpoint {
                id,
                created_at_ms: at,
                updated_at_ms: at + DAY_MS,
                name: path.to_owned(),
                description: description.to_owned(),
                verb: verb.to_owned(),
                guid: store.guid(),
                auth_table: authenticated.then_some(auth_table),
                inputs,
                tags: vec![path.split('/').next().unwrap_or_default().to_owned()],
                table: table.map(|(name, _)| name),
                response,
            },
        );
    }
    let group = ApiGroup {
        id: group_id,
        created_at_ms: created_at,
        updated_at_ms: created_at + 40 * DAY_MS,
        name: name.to_owned(),
        description: description.to_owned(),
        guid: store.guid(),
        canonical: canonical.to_owned(),
        tags: Vec::new(),
        endpoints,
    };
    if let Some(ws) = store.workspaces.get_mut(&workspace_id) {
        ws.groups.insert(group_id, group);
    }
}

fn endpoint_inputs(
    verb: &str,
    path: &str,
    response: ResponseShape,
    table: Option<&NamedFields>,
    extra: &[(&str, &str, bool)],
) -> Vec<EndpointInput> {
    let mut inputs = Vec::new();
    for segment in path.split('/') {
        if let Some(param) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            inputs.push(EndpointInput {
                name: param.to_owned(),
                kind: if param == "slug" { "text" } else { "int" }.to_owned(),
                required: true,
                source: InputSource::Path,
                description: String::new(),
            });
        }
    }
    let query = verb == "GET" || verb == "DELETE";
    if verb == "GET" && response == ResponseShape::Paged {
        for (name, description) in [
            ("page", "Page number, from 1"),
            ("per_page", "Items per page"),
            ("sort", "Column to sort by"),
        ] {
            inputs.push(EndpointInput {
                name: name.to_owned(),
                kind: if name == "sort" { "text" } else { "int" }.to_owned(),
                required: false,
                source: InputSource::Query,
                description: description.to_owned(),
            });
        }
    }
    if extra.is_empty()
        && matches!(verb, "POST" | "PATCH" | "PUT")
        && let Some((_, fields)) = table
    {
        for field in fields
            .iter()
            .filter(|f| f.name != "id" && f.name != "created_at")
        {
            inputs.push(EndpointInput {
                name: field.name.clone(),
                kind: field.kind.clone(),
                required: verb == "POST" && field.required,
                source: InputSource::Body,
                description: field.description.clone(),
            });
        }
    }
    for (name, kind, required) in extra {
        inputs.push(EndpointInput {
            name: (*name).to_owned(),
            kind: (*kind).to_owned(),
            required: *required,
            source: if query {
                InputSource::Query
            } else {
                InputSource::Body
            },
            description: String::new(),
        });
    }
    inputs
}
