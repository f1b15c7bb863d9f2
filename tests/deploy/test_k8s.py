"""deploy/k8s: every manifest the kustomization lists is valid against the Kubernetes schemas (offline)."""

from pathlib import Path
from urllib.parse import urlsplit

import kubernetes_validate
import pytest
import yaml

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
VERSION = "1.33.0"  # a recent, widely deployed Kubernetes; kubernetes-validate ships its schemas


def kustomization():
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


def env_file(path):
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if line and not line.startswith("#"))
    return dict(pairs)


def manifests():
    """Every document the kustomization makes, by (kind, name)."""
    docs = [doc for name in kustomization()["resources"] for doc in yaml.safe_load_all((K8S / name).read_text())
            if doc]
    for gen in kustomization()["configMapGenerator"]:
        data = {}
        for env in gen["envs"]:
            data |= env_file(K8S / env)
        docs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": gen["name"]}, "data": data})
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in docs}


APP, REDIS = ("Deployment", "softmax"), ("Deployment", "softmax-redis")


@pytest.mark.parametrize("kind, name", sorted(manifests()))
def test_each_manifest_is_valid_against_the_kubernetes_schema(kind, name):
    kubernetes_validate.validate(manifests()[kind, name], VERSION, strict=True)


def test_an_invalid_manifest_is_caught():
    broken = manifests()[APP] | {"spec": {"replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)


def pods_selected(docs, selector):
    return [key for key, doc in docs.items() if doc["kind"] == "Deployment"
            and selector.items() <= doc["spec"]["template"]["metadata"]["labels"].items()]


def test_selectors_probes_and_security_fit_together():
    docs = manifests()
    deployment = docs[APP]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    # The app's Service and budget pick the app's pods only, not Redis's.
    for selector in (docs["Service", "softmax"]["spec"]["selector"],
                     docs["PodDisruptionBudget", "softmax"]["spec"]["selector"]["matchLabels"]):
        assert pods_selected(docs, selector) == [APP]
    assert docs["HorizontalPodAutoscaler", "softmax"]["spec"]["scaleTargetRef"]["name"] == "softmax"
    app = deployment["spec"]["template"]["spec"]["containers"][0]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert app[probe]["httpGet"]["path"] == "/_stcore/health"
    secret_ref = next(e for e in app["env"] if e["name"] == "STREAMLIT_SERVER_COOKIE_SECRET")["valueFrom"]
    assert ("Secret", secret_ref["secretKeyRef"]["name"]) in docs
    config = docs["ConfigMap", app["envFrom"][0]["configMapRef"]["name"]]
    assert config["data"]["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] == "none"


@pytest.mark.parametrize("name", ["softmax", "softmax-redis"])
def test_every_deployment_is_non_root_read_only_probed_and_bounded(name):
    pod = manifests()["Deployment", name]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] and not pod["automountServiceAccountToken"]
    for container in pod["containers"]:
        assert container["securityContext"]["readOnlyRootFilesystem"]
        assert not container["securityContext"]["allowPrivilegeEscalation"]
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
        assert {"requests", "limits"} <= container["resources"].keys()
        assert {"readinessProbe", "livenessProbe"} <= container.keys()


def test_the_app_reaches_redis_through_its_service():
    docs = manifests()
    app = docs[APP]["spec"]["template"]["spec"]["containers"][0]
    url = urlsplit(next(e["value"] for e in app["env"] if e["name"] == "REDIS_URL"))
    service = docs["Service", url.hostname]
    port = next(p for p in service["spec"]["ports"] if p["port"] == url.port)
    assert url.scheme == "redis" and pods_selected(docs, service["spec"]["selector"]) == [REDIS]
    pod = docs[REDIS]["spec"]["template"]["spec"]
    redis = pod["containers"][0]
    assert port["targetPort"] in {p["name"] for p in redis["ports"]}
    # One Redis (two would split the rooms), nothing persisted, its only writable place an emptyDir at /data.
    assert docs[REDIS]["spec"]["replicas"] == 1 and docs[REDIS]["spec"]["strategy"]["type"] == "Recreate"
    assert redis["args"][redis["args"].index("--save") + 1] == ""
    assert redis["args"][redis["args"].index("--appendonly") + 1] == "no"
    data = next(m for m in redis["volumeMounts"] if m["mountPath"] == "/data")
    assert "emptyDir" in next(v for v in pod["volumes"] if v["name"] == data["name"])
    # Only the app's pods may connect to it.
    policy = docs["NetworkPolicy", "softmax-redis"]["spec"]
    assert pods_selected(docs, policy["podSelector"]["matchLabels"]) == [REDIS]
    (rule,) = policy["ingress"]
    assert [pods_selected(docs, peer["podSelector"]["matchLabels"]) for peer in rule["from"]] == [[APP]]
    assert [p["port"] for p in rule["ports"]] == [port["targetPort"]]


def test_the_ingress_is_sticky_by_cookie_with_websocket_timeouts():
    notes = manifests()["Ingress", "softmax"]["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
