//! Upstream provider ids and the `gen_ai.provider.name` values they price.

/// How an upstream provider id maps to this table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UpstreamProvider {
    /// The id in this table.
    pub id: &'static str,
    /// The `gen_ai.provider.name` values it prices.
    pub names: &'static [&'static str],
}

const fn p(id: &'static str, names: &'static [&'static str]) -> UpstreamProvider {
    UpstreamProvider { id, names }
}

const OPENAI: UpstreamProvider = p("openai", &["openai"]);
const ANTHROPIC: UpstreamProvider = p("anthropic", &["anthropic"]);
const BEDROCK: UpstreamProvider = p("aws.bedrock", &["aws.bedrock"]);
const AZURE: UpstreamProvider = p("azure", &["azure.ai.openai", "azure.ai.inference"]);
const GCP: UpstreamProvider = p("gcp", &["gcp.gemini", "gcp.vertex_ai", "gcp.gen_ai"]);
const COHERE: UpstreamProvider = p("cohere", &["cohere"]);
const DEEPSEEK: UpstreamProvider = p("deepseek", &["deepseek"]);
const GROQ: UpstreamProvider = p("groq", &["groq"]);
const MISTRAL: UpstreamProvider = p("mistral_ai", &["mistral_ai"]);
const MOONSHOT: UpstreamProvider = p("moonshot_ai", &["moonshot_ai"]);
const PERPLEXITY: UpstreamProvider = p("perplexity", &["perplexity"]);
const XAI: UpstreamProvider = p("x_ai", &["x_ai"]);

/// The providers GenAI telemetry names (`gen_ai.provider.name` members), for an upstream id of
/// genai-prices (`aws`, `google`, `x-ai`, ...) or models.dev (`amazon-bedrock`, `xai`, ...);
/// `None` for providers the conventions do not name.
pub fn upstream_provider(upstream_id: &str) -> Option<UpstreamProvider> {
    Some(match upstream_id {
        "openai" => OPENAI,
        "anthropic" => ANTHROPIC,
        "aws" | "amazon-bedrock" => BEDROCK,
        "azure" => AZURE,
        "google" | "google-vertex" | "google-vertex-anthropic" => GCP,
        "cohere" => COHERE,
        "deepseek" => DEEPSEEK,
        "groq" => GROQ,
        "mistral" => MISTRAL,
        "moonshotai" => MOONSHOT,
        "perplexity" => PERPLEXITY,
        "x-ai" | "xai" => XAI,
        _ => return None,
    })
}
