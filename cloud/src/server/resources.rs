//! Entities in impCentral's JSON:API shapes (`type`, `id`, `attributes`,
//! `relationships`), ids as text and back, and the generic list filters
//! (`filter[product.id]`, `filter[type]`, `filter[ATTRIBUTE]`) and pagination.

use impish_factory::cloud::*;
use serde_json::{json, Map, Value};
use std::time::UNIX_EPOCH;

/// The number in an id the API showed (an id's `Display`, `product-1`), or `None` for
/// anything else (a name, say).
pub fn parse_id(prefix: &str, text: &str) -> Option<u32> {
    text.strip_prefix(prefix)?.strip_prefix('-')?.parse().ok()
}

/// A time (since the Unix epoch) as RFC 3339.
pub fn timestamp(at: SimTime) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + at).to_string()
}

fn reference(kind: &str, id: String) -> Value {
    json!({ "type": kind, "id": id })
}

fn account_ref(account: AccountId) -> Value {
    reference("account", account.to_string())
}

pub fn group_ref(group: &DeviceGroup) -> Value {
    reference(group.kind.api_name(), group.id.to_string())
}

fn deployment_ref(deployment: DeploymentId) -> Value {
    reference("deployment", deployment.to_string())
}

fn product_ref(product: ProductId) -> Value {
    reference("product", product.to_string())
}

pub fn account(a: &Account) -> Value {
    json!({
        "type": "account",
        "id": a.id.to_string(),
        "attributes": { "username": a.name, "email": format!("{}@impish.local", a.name) },
    })
}

pub fn product(p: &Product) -> Value {
    json!({
        "type": "product",
        "id": p.id.to_string(),
        "attributes": { "name": p.name, "description": p.description },
        "relationships": { "owner": account_ref(p.account), "creator": account_ref(p.account) },
    })
}

/// A device group; `groups` resolves its targets' kinds.
pub fn device_group(g: &DeviceGroup, account: AccountId, target: impl Fn(GroupId) -> Option<DeviceGroup>) -> Value {
    let mut relationships = Map::new();
    relationships.insert("product".into(), product_ref(g.product));
    relationships.insert("owner".into(), account_ref(account));
    relationships.insert("creator".into(), account_ref(account));
    if let Some(d) = g.current_deployment {
        relationships.insert("current_deployment".into(), deployment_ref(d));
    }
    if let Some(d) = g.min_supported_deployment {
        relationships.insert("min_supported_deployment".into(), deployment_ref(d));
    }
    for (name, t) in [("dut_target", g.dut_target), ("production_target", g.production_target)] {
        if let Some(t) = t.and_then(&target) {
            relationships.insert(name.into(), group_ref(&t));
        }
    }
    let mut attributes = json!({ "name": g.name, "description": g.description, "region": "", "env_vars": {} });
    if g.kind.is_production() {
        attributes["load_code_after_blessing"] = g.load_code_after_blessing.into();
    }
    json!({
        "type": g.kind.api_name(),
        "id": g.id.to_string(),
        "attributes": attributes,
        "relationships": relationships,
    })
}

pub fn deployment(d: &Deployment, group: &DeviceGroup, account: AccountId) -> Value {
    json!({
        "type": "deployment",
        "id": d.id.to_string(),
        "attributes": {
            "device_code": *d.code.device,
            "agent_code": *d.code.agent,
            "description": d.description,
            "origin": d.origin,
            "tags": d.tags,
            "flagged": d.flagged,
            "sha": d.sha,
            "created_at": timestamp(d.created_at),
            "updated_at": timestamp(d.created_at),
        },
        "relationships": {
            "devicegroup": group_ref(group),
            "product": product_ref(group.product),
            "creator": account_ref(account),
            "owner": account_ref(account),
        },
    })
}

/// A device, with its group (if any) for the relationships.
pub fn device(d: &Device, group: Option<&DeviceGroup>) -> Value {
    let mut relationships = Map::new();
    if let Some(g) = group {
        relationships.insert("devicegroup".into(), group_ref(g));
        relationships.insert("product".into(), product_ref(g.product));
    }
    if let Some(a) = d.account {
        relationships.insert("owner".into(), account_ref(a));
    }
    json!({
        "type": "device",
        "id": d.id.to_string(),
        "attributes": {
            "name": d.name,
            "mac_address": d.mac.as_bytes().chunks(2).map(|p| String::from_utf8_lossy(p).into_owned()).collect::<Vec<_>>().join(":"),
            "imp_type": d.imp_type,
            "agent_id": d.agent_id(),
            "agent_url": d.agent_url,
            "device_online": false,
            "agent_running": false,
            "blessed": d.blessed,
            "last_enrolled_at": d.enrolled_at.map(timestamp),
        },
        "relationships": relationships,
    })
}

pub fn webhook(w: &Webhook, group: &DeviceGroup) -> Value {
    json!({
        "type": "webhook",
        "id": w.id.to_string(),
        "attributes": { "url": w.url, "event": w.event.name(), "content_type": w.content_type.mime() },
        "relationships": { "devicegroup": group_ref(group) },
    })
}

pub fn log(entry: &LogEntry) -> Value {
    json!({ "ts": timestamp(entry.at), "type": entry.kind.name(), "msg": entry.message, "device_id": entry.device.to_string() })
}

/// Whether `resource` passes every `filter[...]` of the query: `filter[X.id]` a
/// relationship's id, `filter[type]` the type, `filter[NAME]` an attribute (a list
/// attribute contains the value; booleans compare as "true"/"false").
pub fn passes(resource: &Value, query: &[(String, String)]) -> bool {
    query.iter().all(|(key, wanted)| {
        let Some(field) = key.strip_prefix("filter[").and_then(|k| k.strip_suffix(']')) else { return true };
        let actual = match field.strip_suffix(".id") {
            Some(relation) => &resource["relationships"][relation]["id"],
            None if field == "type" => &resource["type"],
            None => &resource["attributes"][field],
        };
        let equal = |v: &Value, w: &str| match v {
            Value::String(s) => s == w,
            Value::Bool(b) => b.to_string() == w,
            _ => false,
        };
        wanted.split(',').any(|w| match actual {
            Value::Array(items) => items.iter().any(|v| equal(v, w)),
            v => equal(v, w),
        })
    })
}

/// One page of `items` as a list document, with `links.next` when more follow.
pub fn page(items: Vec<Value>, query: &[(String, String)], path: &str) -> Value {
    let param = |name: &str| query.iter().find(|(k, _)| k == name).and_then(|(_, v)| v.parse::<usize>().ok());
    let size = param("page[size]").unwrap_or(100).clamp(1, 100);
    let number = param("page[number]").unwrap_or(1).max(1);
    let total = items.len();
    let data: Vec<Value> = items.into_iter().skip((number - 1) * size).take(size).collect();
    let mut links = json!({ "self": format!("{path}?page[number]={number}&page[size]={size}") });
    if number * size < total {
        links["next"] = format!("{path}?page[number]={}&page[size]={size}", number + 1).into();
    }
    json!({ "data": data, "links": links, "meta": { "count": total } })
}
