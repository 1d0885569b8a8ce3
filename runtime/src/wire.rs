//! The JavaScript shapes of the core's records, read and written by hand.
//!
//! Owns the runtime's only conversions between the core's types and JS values:
//! guides in (through the core's serde-free [`waymark::read`] over the browser's
//! own `JSON.parse` objects), analytics events out (to the host page's listeners and
//! the server), progress records to and from localStorage. No serializer is compiled
//! into the download for them: serde's generic code for the guide types alone was a
//! fifth of the runtime. The shapes are the serde shapes the server and editor use;
//! the core's tests check its wire names against serde's.

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use waymark::events::{AnalyticsEvent, Trigger};
use waymark::guide::Guide;
use waymark::progress::{Progress, RunStatus};
use waymark::read::{self, Json};
use waymark::validate::Problem;

/// A JS value seen by the core's guide reader.
struct Js(JsValue);

impl Json for Js {
    fn get(&self, key: &str) -> Option<Js> {
        if !self.0.is_object() {
            return None;
        }
        Reflect::get(&self.0, &JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined() && !v.is_null())
            .map(Js)
    }
    fn as_str(&self) -> Option<String> {
        self.0.as_string()
    }
    fn as_f64(&self) -> Option<f64> {
        self.0.as_f64()
    }
    fn as_bool(&self) -> Option<bool> {
        self.0.as_bool()
    }
    fn items(&self) -> Option<Vec<Js>> {
        Array::is_array(&self.0).then(|| self.0.unchecked_ref::<Array>().iter().map(Js).collect())
    }
    fn entries(&self) -> Option<Vec<(String, Js)>> {
        if !self.0.is_object() || Array::is_array(&self.0) {
            return None;
        }
        let obj = self.0.unchecked_ref::<Object>();
        Some(
            Object::keys(obj)
                .iter()
                .filter_map(|k| {
                    let v = Reflect::get(obj, &k).ok()?;
                    let key = k.as_string()?;
                    (!v.is_undefined() && !v.is_null()).then_some((key, Js(v)))
                })
                .collect(),
        )
    }
}

/// A guide definition as the browser parsed it; a wrong shape is one problem.
pub fn guide(value: JsValue) -> Result<Guide, Problem> {
    read::guide(&Js(value))
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn set_opt(obj: &Object, key: &str, value: Option<&str>) {
    if let Some(v) = value {
        set(obj, key, &JsValue::from_str(v));
    }
}

/// `{id, at, kind, guide, version, run?, step?, step_index?, detail?}`.
pub fn event(e: &AnalyticsEvent) -> Object {
    let obj = Object::new();
    set(&obj, "id", &e.id.as_str().into());
    set(&obj, "at", &JsValue::from_f64(e.at as f64));
    set(&obj, "kind", &e.kind.as_str().into());
    set(&obj, "guide", &e.guide.as_str().into());
    set(&obj, "version", &e.version.into());
    set_opt(&obj, "run", e.run.as_deref());
    set_opt(&obj, "step", e.step.as_deref());
    if let Some(i) = e.step_index {
        set(&obj, "step_index", &JsValue::from_f64(i as f64));
    }
    set_opt(&obj, "detail", e.detail.as_deref());
    obj
}

/// The JSON text of a progress record.
pub fn progress_json(p: &Progress) -> Option<String> {
    let obj = Object::new();
    set(&obj, "guide", &p.guide.as_str().into());
    set(&obj, "version", &p.version.into());
    set(&obj, "step", &JsValue::from_f64(p.step as f64));
    set(&obj, "status", &p.status.as_str().into());
    set(&obj, "run", &p.run.as_str().into());
    set(&obj, "started_at", &JsValue::from_f64(p.started_at as f64));
    set(&obj, "updated_at", &JsValue::from_f64(p.updated_at as f64));
    set(&obj, "runs", &p.runs.into());
    set(&obj, "completions", &p.completions.into());
    set_opt(&obj, "trigger", p.trigger.map(Trigger::as_str));
    JSON::stringify(&obj).ok()?.as_string()
}

/// A progress record from its JSON text; `None` for anything else.
pub fn progress(text: &str) -> Option<Progress> {
    let v = Js(JSON::parse(text).ok()?);
    let text = |key: &str| v.get(key)?.as_str();
    let number = |key: &str| {
        v.get(key)?
            .as_f64()
            .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n < 9.007_199_254_740_992e15)
    };
    let trigger = match v.get("trigger") {
        Some(t) => Some(Trigger::from_name(&t.as_str()?)?),
        None => None,
    };
    Some(Progress {
        guide: text("guide")?,
        version: u32::try_from(number("version")? as u64).ok()?,
        step: number("step")? as usize,
        status: RunStatus::from_name(&text("status")?)?,
        run: text("run")?,
        started_at: number("started_at")? as u64,
        updated_at: number("updated_at")? as u64,
        runs: u32::try_from(number("runs")? as u64).ok()?,
        completions: u32::try_from(number("completions")? as u64).ok()?,
        trigger,
    })
}
