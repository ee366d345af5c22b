//! The upstream Swagger 2.0 description (upgraded in the generator) and an
//! independent OpenAPI 3.0 conversion of it describe the same API, so they must
//! yield the same operations, parameters, models and scopes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use sdkgen::model::{Api, ParamLocation, SchemeKind, Ty};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn model(spec: &std::path::Path) -> Api {
    let settings = sdkgen::settings::read(&root().join("specs/slack-web-api/sdkgen.toml")).unwrap();
    let loaded = sdkgen::load::load(spec).unwrap_or_else(|d| panic!("{d}"));
    sdkgen::model::build(&loaded.api, spec, &settings).unwrap_or_else(|d| panic!("{d}"))
}

/// Everything that must agree, in order-independent form.
#[derive(Debug, PartialEq)]
struct Summary {
    operations: BTreeMap<String, (String, String, String)>,
    params: BTreeMap<String, BTreeSet<(String, String, bool, String)>>,
    bodies: BTreeMap<String, Option<String>>,
    security: BTreeMap<String, BTreeSet<(String, BTreeSet<String>)>>,
    discriminators: BTreeMap<String, Option<String>>,
    error_codes: BTreeMap<String, Option<String>>,
    components: BTreeSet<String>,
    scopes: BTreeSet<String>,
    tags: BTreeSet<String>,
}

fn scalar(api: &Api, ty: &Ty) -> String {
    match ty {
        Ty::Named(id) => format!("named:{}", api.ty(*id).name.join(".")),
        other => format!("{other:?}"),
    }
}

fn summary(api: &Api) -> Summary {
    let mut s = Summary {
        operations: BTreeMap::new(),
        params: BTreeMap::new(),
        bodies: BTreeMap::new(),
        security: BTreeMap::new(),
        discriminators: BTreeMap::new(),
        error_codes: BTreeMap::new(),
        components: BTreeSet::new(),
        scopes: BTreeSet::new(),
        tags: api.tags.iter().map(|t| t.name.clone()).collect(),
    };
    for op in &api.operations {
        s.operations.insert(op.id.clone(), (op.method.to_string(), op.path.clone(), op.tags[0].clone()));
        s.params.insert(
            op.id.clone(),
            op.params
                .iter()
                .map(|p| {
                    let loc = if p.location == ParamLocation::Body { "body".to_string() } else { format!("{:?}", p.location) };
                    (p.name.clone(), loc, p.required, scalar(api, &p.ty))
                })
                .collect(),
        );
        s.bodies.insert(op.id.clone(), op.body.as_ref().map(|b| b.media_type.clone()));
        s.security
            .insert(op.id.clone(), op.security.iter().flatten().map(|u| (u.scheme.clone(), u.scopes.iter().cloned().collect())).collect());
        s.discriminators.insert(op.id.clone(), op.discriminator.as_ref().map(|d| format!("{}={}", d.property, d.error)));
        s.error_codes.insert(
            op.id.clone(),
            op.error_code.as_ref().map(|c| match c.enum_type {
                Some(id) => format!("{}:{:?}", c.path.join("/"), api.ty(id).kind),
                None => c.path.join("/"),
            }),
        );
    }
    for t in &api.types {
        if let sdkgen::model::Owner::Component(name) = &t.owner {
            s.components.insert(name.clone());
        }
    }
    for scheme in &api.security_schemes {
        if let SchemeKind::OAuth2 { flows } = &scheme.kind {
            for f in flows {
                s.scopes.extend(f.scopes.iter().map(|(k, _)| k.clone()));
            }
        }
    }
    s
}

#[test]
fn swagger2_and_openapi3_descriptions_yield_the_same_api() {
    let v2 = root().join("specs/slack-web-api/slack_web_openapi_v2.json");
    let v3 = root().join("tests/fixtures/slack/slack_web_openapi_v3.json");
    let a = summary(&model(&v2));
    let b = summary(&model(&v3));
    assert_eq!(a.operations.len(), 174);
    assert_eq!(a.tags.len(), 56);
    assert_eq!(a.scopes.len(), 67);
    assert_eq!(a.components.len(), 48);
    assert_eq!(a.operations, b.operations);
    for (id, params) in &a.params {
        assert_eq!(Some(params), b.params.get(id), "parameters of {id}");
    }
    assert_eq!(a.bodies, b.bodies);
    assert_eq!(a.security, b.security);
    assert_eq!(a.discriminators, b.discriminators);
    assert_eq!(a.error_codes, b.error_codes);
    assert_eq!(a.components, b.components);
    assert_eq!(a.scopes, b.scopes);
    assert_eq!(a.tags, b.tags);
}
