//! Code generation for the instrumentation macros.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{
    Attribute, Block, Error, Expr, FnArg, ItemFn, Pat, ReturnType, Stmt, Type, parse_quote,
    visit::Visit,
};

use crate::args::{Args, Kind, StrArg};
use crate::keys::{self, KeyType};

/// Expands one annotated function.
pub(crate) fn expand(kind: Kind, args: Args, mut item: ItemFn) -> syn::Result<TokenStream> {
    if let Some(c) = &item.sig.constness {
        return Err(Error::new(
            c.span(),
            "the instrumentation macros may not be used on a `const fn`",
        ));
    }
    let krate: TokenStream = match &args.krate {
        Some(p) => p.to_token_stream(),
        None => quote!(::genai_semconv),
    };
    let rt = quote!(#krate::instrument::__private);
    let fn_name = item.sig.ident.to_string();
    let fn_name = fn_name.strip_prefix("r#").unwrap_or(&fn_name).to_string();

    let start = start_code(kind, &args, &item, &fn_name, &krate);
    let capture_result = kind == Kind::Tool;
    let block = &item.block;

    let new_body: Block = if item.sig.asyncness.is_some() {
        let ret_ann = return_annotation(&item.sig.output);
        let inner = quote! { async move { let __genai_ret #ret_ann = #block; __genai_ret } };
        let body = async_body(&rt, &start, inner, capture_result);
        parse_quote!({ #body })
    } else if let Some(async_block) = async_tail(&item.block) {
        // `fn -> impl Future { async move { .. } }` and async-trait's `Box::pin(async move { .. })`:
        // instrument the returned future, not the function that builds it.
        let body = async_body(&rt, &start, async_block.to_token_stream(), capture_result);
        let new_tail = quote!(async move { #body });
        replace_tail(&item.block, new_tail)
    } else if returns_impl_future(&item.sig.output) {
        let body = async_body(&rt, &start, quote!(__genai_inner), capture_result);
        parse_quote!({
            let __genai_inner = #block;
            async move { #body }
        })
    } else {
        let ret_ann = match &item.sig.output {
            // Pins the closure's type when the body diverges (`panic!()`): the outcome probe
            // would otherwise infer a `Result`.
            ReturnType::Default => quote!(-> ()),
            ReturnType::Type(_, ty) if !contains_impl(ty) => quote!(-> #ty),
            ReturnType::Type(..) => quote!(),
        };
        let outcome = outcome_code(&rt, quote!(__genai_v), capture_result);
        let Start { start, record } = &start;
        parse_quote!({
            let __genai_active: #rt::Active = #start;
            if let ::core::option::Option::Some(__genai_cx) = __genai_active.recording_context() {
                #record
            }
            #[allow(unused_mut, clippy::redundant_closure_call)]
            let mut __genai_body = || #ret_ann #block;
            let __genai_res = {
                let __genai_guard = __genai_active.attach();
                ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(__genai_body))
            };
            match __genai_res {
                ::core::result::Result::Ok(__genai_v) => {
                    #outcome
                    __genai_v
                }
                ::core::result::Result::Err(__genai_panic) => {
                    __genai_active.finish_panic(&*__genai_panic);
                    ::std::panic::resume_unwind(__genai_panic)
                }
            }
        })
    };
    item.block = Box::new(new_body);
    Ok(item.into_token_stream())
}

/// The code that runs after the call completes: outcome, optional result capture, span end,
/// metrics.
fn outcome_code(rt: &TokenStream, v: TokenStream, capture_result: bool) -> TokenStream {
    let result = if capture_result {
        quote! {
            let __genai_result_json = if __genai_active.capture_on_span() {
                #[allow(unused_imports)]
                use #rt::{ResultJsonSer as _, ResultJsonOk as _, ResultJsonNone as _};
                (&&&#rt::Probe(&#v)).__genai_result_json()
            } else {
                ::core::option::Option::None
            };
        }
    } else {
        quote!(let __genai_result_json = ::core::option::Option::None;)
    };
    quote! {
        {
            #[allow(unused_imports)]
            use #rt::{OutcomeFull as _, OutcomeStd as _, OutcomeDisplay as _, OutcomeNone as _};
            #result
            let __genai_outcome = (&&&&#rt::Probe(&#v)).__genai_outcome();
            __genai_active.finish(__genai_outcome, __genai_result_json);
        }
    }
}

fn async_body(
    rt: &TokenStream,
    start: &Start,
    fut: TokenStream,
    capture_result: bool,
) -> TokenStream {
    let outcome = outcome_code(rt, quote!(__genai_v), capture_result);
    let Start { start, record } = start;
    quote! {
        let __genai_active: #rt::Active = #start;
        if let ::core::option::Option::Some(__genai_cx) = __genai_active.recording_context() {
            #record
        }
        let __genai_fut = #fut;
        let __genai_v = #rt::Instrumented::new(__genai_fut, &__genai_active).await;
        #outcome
        __genai_v
    }
}

/// `: T` for the inner async block, unless the type mentions `impl Trait`.
fn return_annotation(output: &ReturnType) -> TokenStream {
    match output {
        ReturnType::Default => quote!(: ()),
        ReturnType::Type(_, ty) if !contains_impl(ty) => quote!(: #ty),
        ReturnType::Type(..) => quote!(),
    }
}

fn contains_impl(ty: &Type) -> bool {
    struct V(bool);
    impl<'a> Visit<'a> for V {
        fn visit_type_impl_trait(&mut self, _: &'a syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut v = V(false);
    v.visit_type(ty);
    v.0
}

fn returns_impl_future(output: &ReturnType) -> bool {
    let ReturnType::Type(_, ty) = output else {
        return false;
    };
    let Type::ImplTrait(it) = &**ty else {
        return false;
    };
    it.bounds.iter().any(|b| match b {
        syn::TypeParamBound::Trait(t) => {
            t.path.segments.last().is_some_and(|s| s.ident == "Future")
        }
        _ => false,
    })
}

/// Finds a tail expression that is `async move { .. }` or `Box::pin(async move { .. })`.
fn async_tail(block: &Block) -> Option<&syn::ExprAsync> {
    let Some(Stmt::Expr(tail, None)) = block.stmts.last() else {
        return None;
    };
    match tail {
        Expr::Async(a) => Some(a),
        Expr::Call(call) => {
            let Expr::Path(p) = &*call.func else {
                return None;
            };
            let segs: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let is_box_pin =
                segs.len() >= 2 && segs[segs.len() - 2] == "Box" && segs[segs.len() - 1] == "pin";
            if !is_box_pin || call.args.len() != 1 {
                return None;
            }
            match call.args.first() {
                Some(Expr::Async(a)) => Some(a),
                _ => None,
            }
        }
        _ => None,
    }
}

fn replace_tail(block: &Block, new_async: TokenStream) -> Block {
    let mut block = block.clone();
    if let Some(Stmt::Expr(tail, None)) = block.stmts.last_mut() {
        match tail {
            Expr::Async(_) => *tail = parse_quote!(#new_async),
            Expr::Call(call) => {
                if let Some(arg) = call.args.first_mut() {
                    *arg = parse_quote!(#new_async);
                }
            }
            _ => {}
        }
    }
    block
}

/// The first non-empty line of the doc comment.
fn first_doc_line(attrs: &[Attribute]) -> Option<String> {
    for a in attrs {
        if !a.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &a.meta
            && let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            let v = s.value();
            let line = v.trim();
            if !line.is_empty() {
                return Some(line.to_string());
            }
        }
    }
    None
}

/// The code that starts a span.
pub(crate) struct Start {
    /// An expression of type `Active`.
    start: TokenStream,
    /// Statements run only when the span records, before the call, with `__genai_cx: &Context`
    /// in scope: attributes whose values are expressions, `fields(..)`, tool argument capture.
    record: TokenStream,
}

/// Builds the code that starts the span.
fn start_code(kind: Kind, args: &Args, item: &ItemFn, fn_name: &str, krate: &TokenStream) -> Start {
    let rt = &quote!(#krate::instrument::__private);
    let op = kind.operation();
    let name_arg = &args.name;
    // The span is built by the generated builder of its definition (keys, types, sampling
    // relevance, kind and name template all come from the registry): required attributes are
    // constructor arguments, the others typed setters.
    let b = quote!(#krate::builder);
    // A string argument as a setter argument: a literal as `&'static str`, an expression
    // converted to `Cow<'static, str>`.
    let value = |a: &StrArg| match a {
        StrArg::Lit(s) => quote!(#s),
        StrArg::Expr(e) => quote_spanned!(e.span()=> #rt::str_value(#e)),
    };
    // Name: a literal (default: the fn name) gives a span name known now; an expression is
    // rendered by the name template at call time.
    let (name_setup, known_name, name_value) = match name_arg {
        // A plan without `agent = ..`: named after the agent it runs in, at call time.
        None if kind == Kind::Plan => (quote!(), None, None),
        None | Some(StrArg::Lit(_)) => {
            let n = match name_arg {
                Some(StrArg::Lit(s)) => s.value(),
                _ => fn_name.to_string(),
            };
            // As the name template renders it (whitespace collapsed where it would be).
            let full = format!("{op} {n}");
            let full = if full.ends_with(char::is_whitespace) || full.contains("  ") {
                full.split_whitespace().collect::<Vec<_>>().join(" ")
            } else {
                full
            };
            (quote!(), Some(full), Some(quote!(#n)))
        }
        Some(StrArg::Expr(e)) => (
            quote_spanned!(e.span()=> let __genai_name: #rt::Cow<'static, str> = #rt::str_value(#e);),
            None,
            Some(quote!(__genai_name)),
        ),
    };
    let description = args.description.clone().or_else(|| {
        first_doc_line(&item.attrs).map(|d| StrArg::Lit(syn::LitStr::new(&d, Span::call_site())))
    });
    let provider = |a: &StrArg| {
        let v = value(a);
        quote!(#krate::ProviderName::from_value(::core::convert::AsRef::<str>::as_ref(&#v)))
    };
    // The setter calls (`.method(value)`), in order.
    let mut setters: Vec<TokenStream> = Vec::new();
    let setter = |method: &str, v: Option<TokenStream>| {
        v.map(|v| {
            let m = syn::Ident::new(method, Span::call_site());
            quote!(.#m(#v))
        })
    };
    // An attribute the definition does not list (set through `attribute(..)`).
    let other = |key: &str, v: TokenStream, sampling: bool| quote!(.attribute(#rt::KeyValue::new(#key, #v), #sampling));
    let builder = match kind {
        Kind::Agent => {
            setters.extend(setter("agent_name", name_value));
            setters.extend(setter("request_model", args.model.as_ref().map(value)));
            setters.extend(setter("agent_description", description.as_ref().map(value)));
            setters.extend(setter(
                "conversation_id",
                args.conversation_id.as_ref().map(value),
            ));
            setters.extend(setter(
                "data_source_id",
                args.data_source_id.as_ref().map(value),
            ));
            if args.client {
                setters.extend(setter("agent_version", args.version.as_ref().map(value)));
                setters.extend(setter("agent_id", args.id.as_ref().map(value)));
                // `provider` is present: `Args::parse` refuses a client agent without one.
                let p = args.provider.as_ref().map(provider);
                quote!(#b::GenAiInvokeAgentClient::new(#p))
            } else {
                // The in-process agent's definition does not list these.
                if let Some(p) = &args.provider {
                    setters.push(other("gen_ai.provider.name", provider(p), true));
                }
                if let Some(v) = &args.version {
                    setters.push(other("gen_ai.agent.version", value(v), false));
                }
                if let Some(v) = &args.id {
                    setters.push(other("gen_ai.agent.id", value(v), false));
                }
                quote!(#b::GenAiInvokeAgentInternal::new())
            }
        }
        Kind::Tool => {
            setters.extend(setter("tool_type", args.tool_type.map(|t| quote!(#t))));
            setters.extend(setter("tool_description", description.as_ref().map(value)));
            setters.extend(setter("tool_call_id", args.call_id.as_ref().map(value)));
            let n = name_value.unwrap_or_else(|| quote!(#fn_name));
            quote!(#b::GenAiExecuteToolInternal::new(#n))
        }
        Kind::Workflow => {
            setters.extend(setter("workflow_name", name_value));
            quote!(#b::GenAiInvokeWorkflowInternal::new())
        }
        Kind::Plan => {
            setters.extend(setter("agent_name", name_value));
            quote!(#b::GenAiPlanInternal::new())
        }
    };
    let name_known = known_name.map(|n| quote!(#rt::SpanStart::name_known(&mut __genai_span, #n);));

    let fields: Vec<TokenStream> = args
        .fields
        .iter()
        .map(|f| {
            let key = syn::LitStr::new(&f.key, f.key_span);
            let v = &f.value;
            let conv = match keys::lookup(&f.key).map(|k| k.ty) {
                Some(KeyType::String | KeyType::Enum) => quote_spanned!(v.span()=> #rt::attr::<#rt::StrM, _>(#v)),
                Some(KeyType::Int) => quote_spanned!(v.span()=> #rt::attr::<#rt::IntM, _>(#v)),
                Some(KeyType::Double) => quote_spanned!(v.span()=> #rt::double_attr(#v)),
                Some(KeyType::Boolean) => quote_spanned!(v.span()=> #rt::attr::<#rt::BoolM, _>(#v)),
                Some(KeyType::StringArray) => quote_spanned!(v.span()=> #rt::string_array_attr(#v)),
                Some(KeyType::IntArray) => quote_spanned!(v.span()=> #rt::int_array_attr(#v)),
                Some(KeyType::DoubleArray) => quote_spanned!(v.span()=> #rt::double_array_attr(#v)),
                Some(KeyType::BooleanArray) => quote_spanned!(v.span()=> #rt::bool_array_attr(#v)),
                Some(KeyType::Any) => quote_spanned!(v.span()=> #rt::json_attr(&#v)),
                None => quote_spanned!(v.span()=> #rt::attr::<_, _>(#v)),
            };
            quote! {
                if let ::core::option::Option::Some(__genai_val) = #conv {
                    #rt::SpanRef::set_attribute(&__genai_span, #rt::KeyValue::new(#key, __genai_val));
                }
            }
        })
        .collect();

    let capture_args = if kind == Kind::Tool {
        let pushes: Vec<TokenStream> = match &args.arguments {
            Some(explicit) => explicit
                .iter()
                .map(|(k, e)| {
                    quote_spanned!(e.span()=> __genai_args.push(#k, (&&#rt::Probe(&(#e))).__genai_arg_json());)
                })
                .collect(),
            None => item
                .sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    FnArg::Typed(pt) => match &*pt.pat {
                        Pat::Ident(pi) if pi.by_ref.is_none() => Some(pi.ident.clone()),
                        _ => None,
                    },
                    FnArg::Receiver(_) => None,
                })
                .filter(|n| !args.skip.contains(n))
                .map(|n| {
                    let k = n.to_string().trim_start_matches("r#").to_string();
                    quote!(__genai_args.push(#k, (&&#rt::Probe(&#n)).__genai_arg_json());)
                })
                .collect(),
        };
        quote! {
            if __genai_active.capture_on_span() {
                #[allow(unused_imports)]
                use #rt::{ArgJsonSer as _, ArgJsonNone as _};
                let mut __genai_args = #rt::ArgsJson::new();
                #( #pushes )*
                __genai_args.record(&__genai_span, &__genai_active);
            }
        }
    } else {
        quote!()
    };

    let parent = match &args.parent {
        Some(p) => quote_spanned!(p.span()=> ::core::option::Option::Some(&#p)),
        None => quote!(::core::option::Option::None),
    };
    let links = match &args.links {
        Some(l) => {
            quote_spanned!(l.span()=> ::core::option::Option::Some(::core::iter::IntoIterator::into_iter(#l).collect()))
        }
        None => quote!(::core::option::Option::None),
    };
    let telemetry = match &args.telemetry {
        Some(t) => quote_spanned!(t.span()=> #rt::telemetry_of(&#t)),
        None => quote!(#rt::default_telemetry()),
    };
    let tracer = match &args.tracer {
        Some(t) => quote_spanned!(t.span()=> &#t),
        None => quote!(&__genai_telemetry.tracer()),
    };
    let op_variant = match kind {
        Kind::Agent => quote!(#rt::Op::Agent),
        Kind::Tool => quote!(#rt::Op::Tool),
        Kind::Workflow => quote!(#rt::Op::Workflow),
        Kind::Plan => quote!(#rt::Op::Plan),
    };
    let start = quote! {{
        #name_setup
        let __genai_parent: ::core::option::Option<&#rt::Context> = #parent;
        let __genai_telemetry: #rt::Telemetry = #telemetry;
        #[allow(unused_mut)]
        let mut __genai_span: #rt::SpanStart = #builder #( #setters )* .into_span_start();
        #name_known
        #[allow(unused_mut)]
        let __genai_tracer_ref = #tracer;
        #[allow(unused_imports)]
        use #rt::AsTracer as _;
        #rt::start(
            __genai_tracer_ref.__genai_tracer(),
            __genai_span,
            #rt::StartArgs {
                op: #op_variant,
                telemetry: ::core::clone::Clone::clone(&__genai_telemetry),
                parent: __genai_parent,
                links: #links,
            },
        )
    }};
    let record = if fields.is_empty() && capture_args.is_empty() {
        quote!()
    } else {
        quote! {
            let __genai_span = #rt::TraceContextExt::span(__genai_cx);
            #( #fields )*
            #capture_args
        }
    };
    Start { start, record }
}
