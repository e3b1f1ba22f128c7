"""The configuration keys Fluent Bit's output plugins accept, at the pinned chart's app version.

Fluent Bit refuses an output whose section holds a key neither the output core nor the plugin's
config map knows ("unknown configuration property", src/flb_config_map.c:509, checked from
src/flb_output.c:1060): the instance fails to initialise and the DaemonSet crash-loops. The
mock monitor cannot see that, so the keys are kept here, read from the source, and every output
section pdpkit renders is checked against them (`unknown_keys`).

All at fluent/fluent-bit v3.2.10, the appVersion of chart fluent-bit 0.48.10
(fluent/helm-charts tag fluent-bit-0.48.10, charts/fluent-bit/Chart.yaml). Keys are
case-insensitive in Fluent Bit (matched with strcasecmp).
"""

from __future__ import annotations

from collections.abc import Iterable

FLUENT_BIT_VERSION = "3.2.10"
"""The Fluent Bit release the keys below were read from."""

CORE_OUTPUT_KEYS = frozenset(
    {
        "name",
        "match",
        "match_regex",
        "alias",
        "log_level",
        "log_suppress_interval",
        "host",
        "port",
        "ipv6",
        "retry_limit",
        "tls",
        "tls.verify",
        "tls.verify_hostname",
        "tls.debug",
        "tls.vhost",
        "tls.ca_path",
        "tls.ca_file",
        "tls.crt_file",
        "tls.key_file",
        "tls.key_passwd",
        "storage.total_limit_size",
        "workers",
    }
)
"""Keys every output takes: src/flb_output.c:751-940 (``flb_output_set_property``); ``net.*``
keys are checked against the upstream config map instead (src/flb_output.c:840, 1024)."""

PLUGIN_KEYS: dict[str, frozenset[str]] = {
    # plugins/out_cloudwatch_logs/cloudwatch_logs.c:549-687 (config_map)
    "cloudwatch_logs": frozenset(
        {
            "region",
            "log_group_name",
            "log_stream_name",
            "log_stream_prefix",
            "log_group_template",
            "log_stream_template",
            "log_key",
            "extra_user_agent",
            "log_format",
            "role_arn",
            "auto_create_group",
            "auto_retry_requests",
            "log_retention_days",
            "endpoint",
            "sts_endpoint",
            "external_id",
            "metric_namespace",
            "metric_dimensions",
            "profile",
            "log_group_class",
        }
    ),
    # plugins/out_stackdriver/stackdriver.c:3093-3245 (config_map)
    "stackdriver": frozenset(
        {
            "google_service_credentials",
            "metadata_server",
            "service_account_email",
            "service_account_secret",
            "export_to_project_id",
            "project_id_key",
            "resource",
            "severity_key",
            "autoformat_stackdriver_trace",
            "trace_key",
            "span_id_key",
            "trace_sampled_key",
            "log_name_key",
            "http_request_key",
            "k8s_cluster_name",
            "k8s_cluster_location",
            "location",
            "namespace",
            "node_id",
            "job",
            "task_id",
            "compress",
            "labels",
            "labels_key",
            "tag_prefix",
            "stackdriver_agent",
            "custom_k8s_regex",
            "resource_labels",
            "text_payload_key",
            "test_log_entry_format",
            "cloud_logging_base_url",
        }
    ),
    # plugins/out_loki/loki.c:2007-2119 (config_map)
    "loki": frozenset(
        {
            "uri",
            "tenant_id",
            "tenant_id_key",
            "labels",
            "structured_metadata",
            "structured_metadata_map_keys",
            "auto_kubernetes_labels",
            "drop_single_key",
            "label_keys",
            "remove_keys",
            "line_format",
            "label_map_path",
            "http_user",
            "http_passwd",
            "buffer_size",
            "bearer_token",
            "compress",
        }
    ),
    # plugins/out_opensearch/opensearch.c:1067-1265 (config_map)
    "opensearch": frozenset(
        {
            "index",
            "type",
            "suppress_type_name",
            "http_user",
            "http_passwd",
            "aws_auth",
            "aws_region",
            "aws_profile",
            "aws_sts_endpoint",
            "aws_role_arn",
            "aws_external_id",
            "aws_service_name",
            "logstash_format",
            "logstash_prefix",
            "logstash_prefix_separator",
            "logstash_prefix_key",
            "logstash_dateformat",
            "time_key",
            "time_key_format",
            "time_key_nanos",
            "include_tag_key",
            "tag_key",
            "buffer_size",
            "path",
            "pipeline",
            "generate_id",
            "write_operation",
            "id_key",
            "replace_dots",
            "current_time_index",
            "trace_output",
            "trace_error",
            "compress",
        }
    ),
    # plugins/out_azure_logs_ingestion/azure_logs_ingestion.c:382-425 (config_map). Recorded
    # to say why AKS does not use it: client credentials only, and client_secret is required
    # (azure_logs_ingestion_conf.c:70, "property 'client_secret' is not defined"); no
    # auth_type / managed identity key up to v5.1.1 either (fluent/fluent-bit#10777 open,
    # its implementation #10867 unmerged).
    "azure_logs_ingestion": frozenset(
        {
            "tenant_id",
            "client_id",
            "client_secret",
            "dce_url",
            "dcr_id",
            "table_name",
            "time_key",
            "time_generated",
            "compress",
        }
    ),
}
"""Each output plugin pdpkit may render, with the keys of its config map."""


def unknown_keys(plugin: str, keys: Iterable[str]) -> list[str]:
    """The keys of an output section Fluent Bit would refuse (all of them for an unknown plugin)."""
    known = CORE_OUTPUT_KEYS | PLUGIN_KEYS.get(plugin, frozenset())
    return sorted(k for k in keys if k.lower() not in known and not k.lower().startswith("net."))
