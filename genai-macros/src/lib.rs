//! Attribute macros that instrument functions as OpenTelemetry GenAI spans.
//!
//! Use them through `genai-semconv`, which re-exports them and provides the runtime they expand
//! to: `use genai_semconv::{instrument_agent, instrument_tool};`. See the documentation of
//! `genai_semconv::instrument` for the full guide.

mod args;
mod expand;
mod keys;

use proc_macro::TokenStream;

use args::{Args, Kind};

fn run(kind: Kind, attr: TokenStream, item: TokenStream) -> TokenStream {
    let item2 = proc_macro2::TokenStream::from(item);
    let args = match Args::parse(kind, attr.into()) {
        Ok(a) => a,
        Err(e) => return with_item(e, item2),
    };
    let func: syn::ItemFn = match syn::parse2(item2.clone()) {
        Ok(f) => f,
        Err(_) => {
            let span = syn::parse2::<syn::Item>(item2.clone())
                .map(|i| item_span(&i))
                .unwrap_or_else(|_| proc_macro2::Span::call_site());
            let e = syn::Error::new(
                span,
                "the instrumentation macros may only be applied to functions (free functions, methods or trait methods with a body)",
            );
            return with_item(e, item2);
        }
    };
    match expand::expand(kind, args, func) {
        Ok(ts) => ts.into(),
        Err(e) => with_item(e, item2),
    }
}

/// Emits the error and the unchanged item, so that one error does not cascade into many.
fn with_item(e: syn::Error, item: proc_macro2::TokenStream) -> TokenStream {
    let err = e.to_compile_error();
    quote::quote!(#err #item).into()
}

fn item_span(item: &syn::Item) -> proc_macro2::Span {
    use syn::spanned::Spanned;
    match item {
        syn::Item::Struct(s) => s.struct_token.span(),
        syn::Item::Enum(e) => e.enum_token.span(),
        syn::Item::Const(c) => c.const_token.span(),
        syn::Item::Static(s) => s.static_token.span(),
        syn::Item::Impl(i) => i.impl_token.span(),
        syn::Item::Trait(t) => t.trait_token.span(),
        syn::Item::Mod(m) => m.mod_token.span(),
        other => other.span(),
    }
}

/// Instruments a function as an `invoke_agent` span.
///
/// Arguments: `name`, `id`, `description`, `version`, `provider`, `model`, `conversation_id`,
/// `data_source_id` (each a string literal or an expression over the function's arguments),
/// `kind = internal | client`, and the common `fields(gen_ai.key = expr, ..)`, `tracer = expr`,
/// `parent = expr`, `links = expr`, `crate = path`. See `genai_semconv::instrument`.
#[proc_macro_attribute]
pub fn instrument_agent(attr: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Agent, attr, item)
}

/// Instruments a function as an `execute_tool` span.
///
/// Arguments: `name`, `description`, `call_id` (string literal or expression),
/// `tool_type = function | extension | datastore`, `skip(arg, ..)` (arguments left out of the
/// captured `gen_ai.tool.call.arguments`), `arguments(key = expr, ..)` (the captured arguments,
/// given explicitly, e.g. renamed), and the common `fields(..)`, `telemetry`, `tracer`,
/// `parent`, `links`, `crate`. See `genai_semconv::instrument`.
#[proc_macro_attribute]
pub fn instrument_tool(attr: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Tool, attr, item)
}

/// Instruments a function as a `plan` span (INTERNAL): the agent working out a plan.
///
/// Arguments: `agent` (the agent's name; default: the agent whose invocation the call runs
/// in) and the common `fields(..)`, `telemetry`, `tracer`, `parent`, `links`, `crate`. Errors,
/// panics and parents are handled as by the other macros. See `genai_semconv::instrument`.
#[proc_macro_attribute]
pub fn instrument_plan(attr: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Plan, attr, item)
}

/// Instruments a function as an `invoke_workflow` span.
///
/// Arguments: `name` (default: the function name) and the common `fields(..)`, `tracer`,
/// `parent`, `links`, `crate`. See `genai_semconv::instrument`.
#[proc_macro_attribute]
pub fn instrument_workflow(attr: TokenStream, item: TokenStream) -> TokenStream {
    run(Kind::Workflow, attr, item)
}
