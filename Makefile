# netpaths: every target calls a script; `make` alone lists them.
# Settings (environment or make variables):
#   CLUSTER=kind|k3d  CNI=flannel|calico|weave  NODES=3  INGRESS=nginx|ingress-nginx  PLAN=1 (print, do not run)
#   PROXY_MODE=iptables|ipvs|nftables  CALICO_ENCAP=vxlan|ipip|none  WEAVE_MODE=fastdp|sleeve  VERSIONS_CHECK=0|1
#   LAB_CNI=flannel|calico|weave  LAB_CALICO=vxlan|bgp  LAB_NODES=3  LAB_CLUSTERS=1|2  LAB_ROOTLESS=auto|yes|no  LAB_REPORTS=dir
.DEFAULT_GOAL := help
SHELL := /usr/bin/env bash
MVN ?= ./mvnw -B -ntp
# Settings given as `make X=y` or in the environment reach the scripts as they are; nothing is exported
# here, because exporting an unset variable would hand the scripts an empty value instead of their default.

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

##@ Build and test
.PHONY: deps build test test-breaks bench bench-harness bench-lab workshop-check
deps: ## Install the Debian packages the lab and tests need (root)
	@scripts/install-deps.sh
build: ## Build every module (no tests)
	@$(MVN) package -DskipTests
test: ## Run every test (installs nothing: run make deps first): unit, manifest, script tests, the lab, the harness
	@NETPATHS_REQUIRE_TOOLS=1 scripts/test.sh
test-breaks: ## The break-it suite alone: one lab, each break must make its named cases FAIL with their cause, then pass once restored
	@scripts/test/breaks.sh
bench: ## Benchmark echo-service against nginx and print the figures
	@scripts/bench/echo.sh
bench-harness: ## Time the harness against the lab and compare its latency with curl
	@scripts/bench/harness.sh
bench-lab: ## Time the lab (pods ready, a whole run, a run with broken paths) against its JVMs started bare (root)
	@scripts/bench/lab.sh
workshop-check: ## Run every docs/workshop chapter's commands in a lab and diff with the pages (NETPATHS_LAB_RUNNING=1: the lab up)
	@scripts/test/workshop.sh

##@ The lab (no Docker: network namespaces on this machine; rootless unless run as root)
.PHONY: lab lab-up lab-down lab-status lab-matrix lab-exec lab-rules lab-case lab-trace
lab: ## Build, bring up the lab, deploy, run the harness, print the path matrix (LAB_DISRUPTION=1: then the disruption case)
	@scripts/lab/lab.sh run
lab-up: ## Bring up the lab and deploy the manifests
	@scripts/lab/lab.sh up
lab-down: ## Remove everything the lab created (also after a crash)
	@scripts/lab/lab.sh down
lab-status: ## Nodes, pods, Services with endpoints, entry points
	@scripts/lab/lab.sh status
lab-matrix: ## Run the lab with the harness for every LAB_CNI
	@scripts/lab/lab.sh matrix
.PHONY: lab-get lab-apply lab-delete lab-delete-pod lab-scale lab-rollout-restart lab-disruption
lab-get: ## kubectl-style get of the running lab: KIND=pods|svc|endpointslices (-o wide, all namespaces)
	@scripts/lab/lab.sh get $(or $(KIND),pods) -A -o wide
lab-apply: ## kubectl apply into the running lab: make lab-apply FILE=k8s/components/network-policies/deny-all.yaml (or KUSTOMIZE=DIR)
	@[[ -n "$(FILE)$(KUSTOMIZE)" ]] || { echo "make lab-apply: set FILE (a manifest file or directory) or KUSTOMIZE (a kustomization directory)" >&2; exit 2; }
	@scripts/lab/lab.sh apply $(if $(FILE),-f "$(FILE)",-k "$(KUSTOMIZE)") -n $(or $(NS),netpaths)
lab-delete: ## kubectl delete in the running lab: make lab-delete FILE=<manifest> or KIND=netpol NAME=deny-all NS=netpaths-other
	@[[ -n "$(FILE)" || ( -n "$(KIND)" && -n "$(NAME)" ) ]] || { echo "make lab-delete: set FILE, or KIND and NAME (and NS)" >&2; exit 2; }
	@scripts/lab/lab.sh delete $(if $(FILE),-f "$(FILE)","$(KIND)" "$(NAME)") -n $(or $(NS),netpaths)
lab-delete-pod: ## Delete POD=<name> (namespace NS, default netpaths) in the running lab; its ReplicaSet replaces it
	@scripts/lab/lab.sh delete pod $(POD) -n $(or $(NS),netpaths)
lab-scale: ## Scale DEPLOYMENT=<name> (default echo) to REPLICAS=<n> in the running lab
	@scripts/lab/lab.sh scale deployment/$(or $(DEPLOYMENT),echo) --replicas=$(REPLICAS) -n $(or $(NS),netpaths)
lab-rollout-restart: ## Roll DEPLOYMENT=<name> (default echo) in the running lab, as kubectl rollout restart
	@scripts/lab/lab.sh rollout restart deployment/$(or $(DEPLOYMENT),echo) -n $(or $(NS),netpaths)
lab-disruption: ## The harness's disruption case in the running lab: echo rolled under load on five paths, every request counted (NO_DRAIN=1: its control)
	@scripts/lab/lab.sh disruption $(if $(filter 1,$(NO_DRAIN)),--no-drain,)
lab-exec: ## Run CMD in a pod, node or host of the running lab: make lab-exec TARGET=netpaths-worker CMD='ip route'
	@[[ -n "$(TARGET)" && -n "$(CMD)" ]] || { echo "make lab-exec: set TARGET (a pod, node or host; see make lab-status) and CMD" >&2; exit 2; }
	@scripts/lab/lab.sh exec "$(TARGET)" -- $(CMD)
lab-rules: ## kube-proxy's rules with counters on a node: make lab-rules NODE=netpaths-worker [SERVICE=netpaths/echo]
	@[[ -n "$(NODE)" ]] || { echo "make lab-rules: set NODE (see make lab-status)" >&2; exit 2; }
	@scripts/lab/lab.sh rules "$(NODE)" $(SERVICE)
lab-case: ## The harness against the running lab for matching cases: make lab-case CASE='dns'
	@[[ -n "$(CASE)" ]] || { echo "make lab-case: set CASE (a case name or group glob; see --list)" >&2; exit 2; }
	@scripts/lab/lab.sh case "$(CASE)"
lab-trace: ## One case with a capture on every hop, as a per-hop table: make lab-trace CASE=crossNodePodToPodKeepsClientIp
	@[[ -n "$(CASE)" ]] || { echo "make lab-trace: set CASE (a case name or group glob; see --list)" >&2; exit 2; }
	@scripts/lab/lab.sh trace "$(CASE)"

##@ Real clusters (kind or k3d, Docker required)
.PHONY: versions-check up addons addons-metallb addons-ingress addons-gateway addons-istio images deploy conformance disruption down multicluster
versions-check: ## Resolve every URL, chart and image pinned in scripts/versions.env (skipped when offline)
	@scripts/cluster/versions.sh check all
up: ## Create the cluster with the chosen CNI
	@scripts/cluster/up.sh
addons: ## Install MetalLB, the ingress controller, Gateway API + Envoy Gateway, Istio
	@scripts/cluster/addons.sh all
addons-metallb: ## Install MetalLB with a pool from the cluster's Docker network
	@scripts/cluster/addons.sh metallb
addons-ingress: ## Install the NGINX ingress controller (INGRESS=nginx|ingress-nginx)
	@scripts/cluster/addons.sh ingress
addons-gateway: ## Install the Gateway API CRDs and Envoy Gateway
	@scripts/cluster/addons.sh gateway
addons-istio: ## Install Istio with its ingress gateway
	@scripts/cluster/addons.sh istio
images: ## Build the images with Jib and load them into the cluster
	@scripts/cluster/images.sh
deploy: ## Apply k8s/ and gateway-config/ and wait for rollouts
	@scripts/cluster/deploy.sh
conformance: ## Run the harness against the current kube context (builds the harness first when its jar is missing)
	@[[ -n "$(HARNESS_JAR)" || "$(PLAN)" == 1 || -f conformance/target/netpaths-conformance.jar ]] \
		|| $(MVN) -q -pl conformance -am package -DskipTests
	@scripts/cluster/conformance.sh
disruption: ## The harness's disruption case: kubectl rollout restart of echo under load on five paths, every request counted (NO_DRAIN=1: its control)
	@[[ "$(PLAN)" == 1 || -f conformance/target/netpaths-conformance.jar ]] || $(MVN) -q -pl conformance -am package -DskipTests
	@scripts/cluster/disruption.sh $(if $(filter 1,$(NO_DRAIN)),--no-drain,)
down: ## Delete the cluster
	@scripts/cluster/down.sh
multicluster: ## Two clusters on one Docker network, deployed, for the cross-cluster path
	@scripts/cluster/multicluster.sh
