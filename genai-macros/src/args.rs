//! Parsing of the macro arguments.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Error, Expr, ExprLit, Ident, Lit, LitStr, Path, Token, punctuated::Punctuated};

use crate::keys::{self, KeyType};

/// Which macro is being expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `#[instrument_agent]` -> `invoke_agent`
    Agent,
    /// `#[instrument_tool]` -> `execute_tool`
    Tool,
    /// `#[instrument_workflow]` -> `invoke_workflow`
    Workflow,
    /// `#[instrument_plan]` -> `plan`
    Plan,
}

impl Kind {
    pub(crate) fn operation(self) -> &'static str {
        match self {
            Kind::Agent => "invoke_agent",
            Kind::Tool => "execute_tool",
            Kind::Workflow => "invoke_workflow",
            Kind::Plan => "plan",
        }
    }

    fn macro_name(self) -> &'static str {
        match self {
            Kind::Agent => "instrument_agent",
            Kind::Tool => "instrument_tool",
            Kind::Workflow => "instrument_workflow",
            Kind::Plan => "instrument_plan",
        }
    }

    fn allowed(self) -> &'static [&'static str] {
        match self {
            Kind::Agent => &[
                "name",
                "id",
                "description",
                "version",
                "provider",
                "model",
                "conversation_id",
                "data_source_id",
                "kind",
                "fields",
                "telemetry",
                "tracer",
                "parent",
                "links",
                "crate",
            ],
            Kind::Tool => &[
                "name",
                "description",
                "tool_type",
                "call_id",
                "skip",
                "arguments",
                "fields",
                "telemetry",
                "tracer",
                "parent",
                "links",
                "crate",
            ],
            Kind::Workflow => &[
                "name",
                "fields",
                "telemetry",
                "tracer",
                "parent",
                "links",
                "crate",
            ],
            Kind::Plan => &[
                "agent",
                "fields",
                "telemetry",
                "tracer",
                "parent",
                "links",
                "crate",
            ],
        }
    }
}

/// A string-valued argument: a literal (checked, zero-cost) or an expression evaluated at call time.
#[derive(Clone)]
pub(crate) enum StrArg {
    Lit(LitStr),
    Expr(Box<Expr>),
}

impl StrArg {
    fn from_expr(e: Expr) -> Self {
        match e {
            Expr::Lit(ExprLit {
                lit: Lit::Str(s), ..
            }) => StrArg::Lit(s),
            other => StrArg::Expr(Box::new(other)),
        }
    }
}

/// One `key = value` entry of `fields(...)`.
pub(crate) struct Field {
    pub key: String,
    pub key_span: Span,
    pub value: Expr,
}

/// All parsed arguments of one macro invocation.
#[derive(Default)]
pub(crate) struct Args {
    pub name: Option<StrArg>,
    pub id: Option<StrArg>,
    pub description: Option<StrArg>,
    pub version: Option<StrArg>,
    pub provider: Option<StrArg>,
    pub model: Option<StrArg>,
    pub conversation_id: Option<StrArg>,
    pub data_source_id: Option<StrArg>,
    pub call_id: Option<StrArg>,
    /// `true` for `kind = client`.
    pub client: bool,
    /// Where `kind = client` was written (for the error when `provider` is missing).
    pub client_span: Option<Span>,
    pub tool_type: Option<&'static str>,
    pub fields: Vec<Field>,
    /// `skip(a, b)`: tool arguments left out of the captured arguments.
    pub skip: Vec<Ident>,
    /// `arguments(key = expr, ..)`: the captured tool arguments, given explicitly.
    pub arguments: Option<Vec<(String, Expr)>>,
    pub telemetry: Option<Expr>,
    pub tracer: Option<Expr>,
    pub parent: Option<Expr>,
    pub links: Option<Expr>,
    pub krate: Option<Path>,
}

impl Args {
    pub(crate) fn parse(kind: Kind, tokens: TokenStream) -> syn::Result<Args> {
        let parser = |input: ParseStream<'_>| parse_args(kind, input);
        syn::parse::Parser::parse2(parser, tokens)
    }
}

fn parse_args(kind: Kind, input: ParseStream<'_>) -> syn::Result<Args> {
    let mut args = Args::default();
    let mut seen: Vec<String> = Vec::new();
    while !input.is_empty() {
        let key = if input.peek(Token![crate]) {
            let k: Token![crate] = input.parse()?;
            Ident::new("crate", k.span)
        } else {
            input.call(Ident::parse_any).map_err(|e| {
                Error::new(
                    e.span(),
                    format!("expected an argument of `#[{}]`", kind.macro_name()),
                )
            })?
        };
        let key_str = key.to_string();
        if !kind.allowed().contains(&key_str.as_str()) {
            let hint = match (kind, key_str.as_str()) {
                (Kind::Tool, "kind") => "; tool spans are always INTERNAL".to_string(),
                _ => format!("; expected one of: {}", kind.allowed().join(", ")),
            };
            return Err(Error::new(
                key.span(),
                format!(
                    "unknown argument `{key_str}` for `#[{}]`{hint}",
                    kind.macro_name()
                ),
            ));
        }
        if seen.contains(&key_str) {
            return Err(Error::new(
                key.span(),
                format!("duplicate argument `{key_str}`"),
            ));
        }
        seen.push(key_str.clone());

        if key_str == "fields" {
            let content;
            syn::parenthesized!(content in input);
            args.fields = parse_fields(&content)?;
        } else if key_str == "skip" {
            let content;
            syn::parenthesized!(content in input);
            let names = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
            for n in names {
                if args.skip.contains(&n) {
                    return Err(Error::new(n.span(), format!("`{n}` is skipped twice")));
                }
                args.skip.push(n);
            }
        } else if key_str == "arguments" {
            let content;
            syn::parenthesized!(content in input);
            let items = Punctuated::<ArgumentSyntax, Token![,]>::parse_terminated(&content)?;
            let mut out: Vec<(String, Expr)> = Vec::new();
            for ArgumentSyntax(k, e) in items {
                let name = k.to_string();
                if out.iter().any(|(o, _)| *o == name) {
                    return Err(Error::new(k.span(), format!("duplicate argument `{name}`")));
                }
                out.push((name, e));
            }
            args.arguments = Some(out);
        } else {
            input
                .parse::<Token![=]>()
                .map_err(|e| Error::new(e.span(), format!("expected `=` after `{key_str}`")))?;
            match key_str.as_str() {
                "kind" => {
                    let v: Ident = input.call(Ident::parse_any)?;
                    args.client = match v.to_string().as_str() {
                        "internal" => false,
                        "client" => {
                            args.client_span = Some(v.span());
                            true
                        }
                        other => {
                            return Err(Error::new(
                                v.span(),
                                format!(
                                    "invalid `kind = {other}`; expected `internal` or `client`"
                                ),
                            ));
                        }
                    };
                }
                "tool_type" => {
                    let v: Ident = input.call(Ident::parse_any)?;
                    args.tool_type = Some(match v.to_string().as_str() {
                        "function" => "function",
                        "extension" => "extension",
                        "datastore" => "datastore",
                        other => {
                            return Err(Error::new(
                                v.span(),
                                format!(
                                    "invalid `tool_type = {other}`; expected `function`, `extension` or `datastore`"
                                ),
                            ));
                        }
                    });
                }
                "crate" => args.krate = Some(input.call(Path::parse_mod_style)?),
                _ => {
                    let e: Expr = input.parse()?;
                    match key_str.as_str() {
                        "tracer" => args.tracer = Some(e),
                        "telemetry" => args.telemetry = Some(e),
                        "parent" => args.parent = Some(e),
                        "links" => args.links = Some(e),
                        _ => {
                            let v = string_arg(&key_str, e)?;
                            let slot = match key_str.as_str() {
                                "name" | "agent" => &mut args.name,
                                "id" => &mut args.id,
                                "description" => &mut args.description,
                                "version" => &mut args.version,
                                "provider" => {
                                    check_enum_literal("gen_ai.provider.name", &v)?;
                                    &mut args.provider
                                }
                                "model" => &mut args.model,
                                "conversation_id" => &mut args.conversation_id,
                                "data_source_id" => &mut args.data_source_id,
                                "call_id" => &mut args.call_id,
                                _ => unreachable!("filtered by `allowed`"),
                            };
                            *slot = Some(v);
                        }
                    }
                }
            }
        }
        if input.is_empty() {
            break;
        }
        input.parse::<Token![,]>()?;
    }
    if let (Some(span), None) = (args.client_span, &args.provider) {
        return Err(Error::new(
            span,
            "`kind = client` needs `provider = ..`: `gen_ai.provider.name` is required on \
             `invoke_agent` CLIENT spans",
        ));
    }
    Ok(args)
}

/// A string argument must be a string literal or an expression; other literals are errors.
fn string_arg(key: &str, e: Expr) -> syn::Result<StrArg> {
    if let Expr::Lit(ExprLit { lit, .. }) = &e
        && !matches!(lit, Lit::Str(_))
    {
        return Err(Error::new(
            lit.span(),
            format!("`{key}` expects a string literal or an expression"),
        ));
    }
    Ok(StrArg::from_expr(e))
}

fn check_enum_literal(key: &str, v: &StrArg) -> syn::Result<()> {
    if let (StrArg::Lit(s), Some(info)) = (v, keys::lookup(key)) {
        check_member(info, &s.value(), s.span())?;
    }
    Ok(())
}

fn check_member(info: &keys::KeyInfo, value: &str, span: Span) -> syn::Result<()> {
    if info.ty == KeyType::Enum
        && !info.members.contains(&value)
        && let Some(s) = keys::suggest_member(value, info.members)
    {
        return Err(Error::new(
            span,
            format!(
                "unknown value `{value}` for `{}`; did you mean `{s}`?",
                info.key
            ),
        ));
    }
    Ok(())
}

fn parse_fields(input: ParseStream<'_>) -> syn::Result<Vec<Field>> {
    let mut out: Vec<Field> = Vec::new();
    let items = Punctuated::<FieldSyntax, Token![,]>::parse_terminated(input)?;
    for f in items {
        if out.iter().any(|o| o.key == f.key) {
            return Err(Error::new(
                f.key_span,
                format!("duplicate field `{}`", f.key),
            ));
        }
        check_field(&f)?;
        out.push(Field {
            key: f.key,
            key_span: f.key_span,
            value: f.value,
        });
    }
    Ok(out)
}

/// One `name = expr` entry of `arguments(...)`.
struct ArgumentSyntax(Ident, Expr);

impl Parse for ArgumentSyntax {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let k = input.call(Ident::parse_any)?;
        input.parse::<Token![=]>()?;
        Ok(ArgumentSyntax(k, input.parse()?))
    }
}

struct FieldSyntax {
    key: String,
    key_span: Span,
    key_tokens: TokenStream,
    value: Expr,
}

impl Parse for FieldSyntax {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let fork = input.fork();
        let fork = &fork;
        let (key, key_span) = if input.peek(LitStr) {
            let s: LitStr = input.parse()?;
            (s.value(), s.span())
        } else {
            let first = input.call(Ident::parse_any)?;
            let mut key = first.to_string();
            let mut span = first.span();
            while input.peek(Token![.]) {
                input.parse::<Token![.]>()?;
                let part = input.call(Ident::parse_any)?;
                key.push('.');
                key.push_str(&part.to_string());
                span = span.join(part.span()).unwrap_or(span);
            }
            (key, span)
        };
        let key_tokens = tokens_between(fork, input);
        input.parse::<Token![=]>()?;
        let value: Expr = input.parse()?;
        Ok(FieldSyntax {
            key,
            key_span,
            key_tokens,
            value,
        })
    }
}

/// The tokens consumed between `start` (a fork) and `end`.
fn tokens_between(start: ParseStream<'_>, end: ParseStream<'_>) -> TokenStream {
    let mut out = TokenStream::new();
    let mut cursor = start.cursor();
    let stop = end.cursor();
    while cursor != stop {
        let Some((tt, next)) = cursor.token_tree() else {
            break;
        };
        out.extend(std::iter::once(tt));
        cursor = next;
    }
    out
}

/// Checks one `fields(...)` entry against the registry.
fn check_field(f: &FieldSyntax) -> syn::Result<()> {
    let Some(info) = keys::lookup(&f.key) else {
        if f.key.starts_with("gen_ai.") {
            let msg = match keys::suggest_key(&f.key) {
                Some(s) => format!("unknown attribute `{}`; did you mean `{s}`?", f.key),
                None => format!("unknown attribute `{}`: not in the GenAI registry", f.key),
            };
            return Err(Error::new_spanned(&f.key_tokens, msg));
        }
        // Custom (application) attributes outside `gen_ai.*` are allowed.
        return Ok(());
    };
    if let Some(replacement) = info.deprecated {
        return Err(Error::new_spanned(
            &f.key_tokens,
            format!("attribute `{}` is deprecated: {replacement}", info.key),
        ));
    }
    check_value_type(info, &f.value)
}

fn lit_kind(lit: &Lit) -> Option<&'static str> {
    Some(match lit {
        Lit::Str(_) => "string",
        Lit::Int(_) => "int",
        Lit::Float(_) => "double",
        Lit::Bool(_) => "boolean",
        _ => return None,
    })
}

fn check_value_type(info: &keys::KeyInfo, value: &Expr) -> syn::Result<()> {
    let scalar_ok = |ty: KeyType, lit: &Lit| -> bool {
        matches!(
            (ty, lit),
            (KeyType::String | KeyType::Enum, Lit::Str(_))
                | (KeyType::Int, Lit::Int(_))
                | (KeyType::Double, Lit::Float(_) | Lit::Int(_))
                | (KeyType::Boolean, Lit::Bool(_))
                | (KeyType::Any, _)
        )
    };
    let elem = |ty: KeyType| match ty {
        KeyType::StringArray => Some(KeyType::String),
        KeyType::IntArray => Some(KeyType::Int),
        KeyType::DoubleArray => Some(KeyType::Double),
        KeyType::BooleanArray => Some(KeyType::Boolean),
        _ => None,
    };
    let mismatch = |span: Span, given: &str| {
        Error::new(
            span,
            format!(
                "attribute `{}` has type {}, but {given} was given",
                info.key,
                info.ty.registry_name()
            ),
        )
    };
    match value {
        Expr::Lit(ExprLit { lit, .. }) => {
            let Some(given) = lit_kind(lit) else {
                return Ok(());
            };
            if elem(info.ty).is_some() || !scalar_ok(info.ty, lit) {
                return Err(mismatch(lit.span(), &format!("a {given} literal")));
            }
            if let Lit::Str(s) = lit {
                check_member(info, &s.value(), s.span())?;
            }
            Ok(())
        }
        Expr::Array(arr) => {
            let Some(el) = elem(info.ty) else {
                if info.ty == KeyType::Any {
                    return Ok(());
                }
                return Err(mismatch(arr.span(), "an array"));
            };
            for e in &arr.elems {
                if let Expr::Lit(ExprLit { lit, .. }) = e
                    && let Some(given) = lit_kind(lit)
                    && !scalar_ok(el, lit)
                {
                    return Err(mismatch(
                        lit.span(),
                        &format!("an array with a {given} literal"),
                    ));
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
