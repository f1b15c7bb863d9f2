"""deploy/k8s: every manifest the kustomization lists is valid against the Kubernetes schemas (offline)."""

from pathlib import Path

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
    docs = [yaml.safe_load((K8S / name).read_text()) for name in kustomization()["resources"]]
    for gen in kustomization()["configMapGenerator"]:
        data = {}
        for env in gen["envs"]:
            data |= env_file(K8S / env)
        docs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": gen["name"]}, "data": data})
    return {doc["kind"]: doc for doc in docs}


@pytest.mark.parametrize("kind", ["Secret", "Deployment", "Service", "Ingress", "HorizontalPodAutoscaler",
                                  "PodDisruptionBudget", "ConfigMap"])
def test_each_manifest_is_valid_against_the_kubernetes_schema(kind):
    doc = manifests()[kind]
    kubernetes_validate.validate(doc, VERSION, strict=True)


def test_an_invalid_manifest_is_caught():
    broken = manifests()["Deployment"] | {"spec": {"replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSION, strict=True)


def test_selectors_probes_and_security_fit_together():
    docs = manifests()
    deployment = docs["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    for selector in (deployment["spec"]["selector"]["matchLabels"], docs["Service"]["spec"]["selector"],
                     docs["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"]):
        assert selector.items() <= labels.items()
    assert docs["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    pod = deployment["spec"]["template"]["spec"]
    app = pod["containers"][0]
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert app[probe]["httpGet"]["path"] == "/_stcore/health"
    assert pod["securityContext"]["runAsNonRoot"] and app["securityContext"]["readOnlyRootFilesystem"]
    assert not app["securityContext"]["allowPrivilegeEscalation"]
    assert {"requests", "limits"} <= app["resources"].keys()
    secret_ref = next(e for e in app["env"] if e["name"] == "STREAMLIT_SERVER_COOKIE_SECRET")["valueFrom"]
    assert secret_ref["secretKeyRef"]["name"] == docs["Secret"]["metadata"]["name"]
    assert app["envFrom"][0]["configMapRef"]["name"] == docs["ConfigMap"]["metadata"]["name"]
    assert docs["ConfigMap"]["data"]["STREAMLIT_SERVER_FILE_WATCHER_TYPE"] == "none"


def test_the_ingress_is_sticky_by_cookie_with_websocket_timeouts():
    notes = manifests()["Ingress"]["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
