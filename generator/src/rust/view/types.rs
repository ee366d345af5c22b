//! Names of the model types ([`TypeNames`]) and the Rust type expressions
//! that refer to them ([`Types`]).

use std::collections::{BTreeSet, HashMap};

use crate::model::{Api, Owner, Ty, TypeId, TypeKind};
use crate::rust::docs::lit;
use crate::rust::sanitize::{Namer, module_name, type_name};
use crate::rust::tokens::{Code, RustType, lit_tokens};
use proc_macro2::TokenStream;
use quote::quote;

/// Names decided for the model types.
pub(super) struct TypeNames {
    pub(super) names: Vec<String>,
    pub(super) modules: Vec<String>,
    /// The module of operations' types that several controllers use, when
    /// there are any.
    pub(super) shared: Option<String>,
    /// The tags whose operations reach each type ([`crate::rust::features::tag_users`]).
    pub(super) users: Vec<BTreeSet<usize>>,
}

impl TypeNames {
    /// Names every type of `api`, and the model module of each owner. An
    /// operation's type that operations of other controllers reach too (an
    /// identical type kept once, a response two operations alias) goes to
    /// the shared module, so that the operation's own module stays behind its
    /// controller's feature.
    pub(super) fn new(api: &Api) -> Self {
        let users = crate::rust::features::tag_users(api);
        let mut namer = Namer::new();
        let names = api.types.iter().map(|t| namer.unique(type_name(&t.name.join("_")))).collect();
        let mut module_namer = Namer::with_reserved(["mod", "models"]);
        let mut module_of_owner: HashMap<String, String> = HashMap::new();
        let mut shared = None;
        let modules = api
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let (key, raw) = match &t.owner {
                    Owner::Component(name) => (format!("c:{name}"), name.clone()),
                    Owner::Operation(_) if users[i].len() > 1 => ("s:".to_string(), "shared".to_string()),
                    Owner::Operation(o) => (format!("o:{}", api.operations[*o].id), api.operations[*o].id.clone()),
                };
                let module = module_of_owner.entry(key.clone()).or_insert_with(|| module_namer.unique(module_name(&raw))).clone();
                if key == "s:" {
                    shared = Some(module.clone());
                }
                module
            })
            .collect();
        TypeNames { names, modules, shared, users }
    }
}

/// Renders Rust type expressions relative to a module.
pub(super) struct Types<'a> {
    pub(super) api: &'a Api,
    pub(super) names: &'a TypeNames,
    /// How the API pages (settings).
    pub(super) pagination: Option<&'a crate::settings::PaginationSettings>,
}

impl Types<'_> {
    /// The Rust type of `ty`, as seen from model module `here` (`None`: outside models).
    pub(super) fn rust(&self, ty: &Ty, here: Option<&str>) -> RustType {
        match ty {
            Ty::String => RustType::String,
            Ty::Integer(32) => RustType::I32,
            Ty::Integer(_) => RustType::I64,
            Ty::Number => RustType::F64,
            Ty::Boolean => RustType::Bool,
            // Models hold file contents as text; requests take an upload.
            Ty::Binary if here.is_some() => RustType::String,
            Ty::Binary => RustType::FileUpload,
            Ty::Any => RustType::Json,
            Ty::Array(inner) => RustType::Vec(Box::new(self.rust(inner, here))),
            Ty::Map(inner) => RustType::Map(Box::new(self.rust(inner, here))),
            Ty::Nullable(inner) => self.rust(inner, here).option(),
            Ty::Named(id) => self.named(*id, here),
        }
    }

    /// The path of model type `id`, as seen from model module `here`.
    pub(super) fn named(&self, id: TypeId, here: Option<&str>) -> RustType {
        let name = self.names.names[id.0].clone();
        if here == Some(self.names.modules[id.0].as_str()) { RustType::Local(name) } else { RustType::Model(name) }
    }

    /// For scalar types (through aliases): the lenient decoder's name.
    pub(super) fn scalar_decoder(&self, ty: &Ty) -> Option<&'static str> {
        match ty {
            Ty::String => Some("string"),
            Ty::Integer(32) => Some("int32"),
            Ty::Integer(_) => Some("int64"),
            Ty::Number => Some("float"),
            Ty::Boolean => Some("boolean"),
            Ty::Named(id) => match &self.api.ty(*id).kind {
                TypeKind::Alias(t) => self.scalar_decoder(t),
                _ => None,
            },
            _ => None,
        }
    }

    /// `ty` with aliases replaced by what they stand for.
    pub(super) fn resolve(&self, ty: &Ty) -> Ty {
        let mut ty = ty.clone();
        for _ in 0..16 {
            match &ty {
                Ty::Named(id) => match &self.api.ty(*id).kind {
                    TypeKind::Alias(inner) => ty = inner.clone(),
                    _ => break,
                },
                Ty::Array(inner) => return Ty::Array(Box::new(self.resolve(inner))),
                Ty::Map(inner) => return Ty::Map(Box::new(self.resolve(inner))),
                Ty::Nullable(inner) => return Ty::Nullable(Box::new(self.resolve(inner))),
                _ => break,
            }
        }
        ty
    }

    /// A `sdkgen_runtime::de::Shape` expression: what a value of `ty` looks like in JSON,
    /// for telling union alternatives apart.
    pub(super) fn shape(&self, ty: &Ty) -> Code {
        let mut ty = self.resolve(ty);
        let mut nullable = false;
        while let Ty::Nullable(inner) = ty {
            nullable = true;
            ty = self.resolve(&inner);
        }
        let names = |names: &mut dyn Iterator<Item = &String>| -> Vec<TokenStream> { names.map(|n| lit_tokens(&lit(n))).collect() };
        let mut required: Vec<TokenStream> = Vec::new();
        let mut known: Vec<TokenStream> = Vec::new();
        let mut values: Vec<TokenStream> = Vec::new();
        let kind = match &ty {
            Ty::String | Ty::Binary => quote!(String),
            Ty::Integer(_) => quote!(Integer),
            Ty::Number => quote!(Number),
            Ty::Boolean => quote!(Boolean),
            Ty::Array(_) => quote!(Array),
            Ty::Map(_) => quote!(Object),
            Ty::Named(id) => match &self.api.ty(*id).kind {
                TypeKind::Struct { fields } => {
                    required = names(&mut fields.iter().filter(|f| f.required).map(|f| &f.name));
                    known = names(&mut fields.iter().map(|f| &f.name));
                    quote!(Object)
                }
                TypeKind::Enum { values: v } => {
                    values = names(&mut v.iter());
                    quote!(String)
                }
                // Unions, and aliases too deep to follow.
                TypeKind::Union { .. } | TypeKind::Alias(_) => quote!(Any),
            },
            Ty::Any | Ty::Nullable(_) => quote!(Any),
        };
        quote! {
            sdkgen_runtime::de::Shape {
                kind: sdkgen_runtime::de::Kind::#kind,
                nullable: #nullable,
                required: &[#(#required),*],
                known: &[#(#known),*],
                values: &[#(#values),*],
            }
        }
        .into()
    }

    /// Whether values of `ty` are JSON objects or arrays of them (through
    /// aliases and `null`): what a form field without an `encoding` sends as
    /// one JSON text. `depth` bounds the walk through unions of unions.
    pub(super) fn structured(&self, ty: &Ty, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        match self.resolve(ty) {
            Ty::Nullable(inner) => self.structured(&inner, depth + 1),
            Ty::Map(_) => true,
            Ty::Array(inner) => matches!(self.resolve(&inner), Ty::Array(_)) || self.structured(&inner, depth + 1),
            Ty::Named(id) => match &self.api.ty(id).kind {
                TypeKind::Struct { .. } => true,
                TypeKind::Union { variants, .. } => variants.iter().any(|v| self.structured(&v.ty, depth + 1)),
                TypeKind::Enum { .. } | TypeKind::Alias(_) => false,
            },
            _ => false,
        }
    }

    /// Whether `ty` is a string (through aliases).
    pub(super) fn is_string(&self, ty: &Ty) -> bool {
        match ty {
            Ty::String => true,
            Ty::Named(id) => matches!(&self.api.ty(*id).kind, TypeKind::Alias(t) if self.is_string(t)),
            _ => false,
        }
    }
}
