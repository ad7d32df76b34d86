#!/usr/bin/env bats
# The workshop's drift test (scripts/test/workshop.sh) says "differs" when a page and what its commands print
# disagree, and passes when they agree after normalising. These pages need no lab (lab=none); the chapters
# themselves are checked against a lab by `make workshop-check`.

load helpers

WORKSHOP="${BATS_TEST_DIRNAME}/workshop.sh"

# page NAME BODY: a page with no lab needed, whose body is BODY
page() {
  printf '# t\n<!-- workshop: lab=none clusters=1 -->\n%s\n' "$2" >"${BATS_TEST_TMPDIR}/$1.md"
}

@test "a page whose output matches passes" {
  page ok $'```console lab\n$ printf \'a  b\\nc\\n\'\na b\nc\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/ok.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
  [[ "${output}" == *"ok.md: matches the lab"* ]]
}

@test "a page whose output differs fails with a diff naming the page line" {
  page bad $'intro\n```console lab\n$ echo 10.244.1.3\n10.244.2.3\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/bad.md"
  [ "${status}" -eq 1 ]
  [[ "${output}" == *"bad.md:5: \`echo 10.244.1.3\` printed something else"* ]] || { echo "${output}"; return 1; }
  [[ "${output}" == *"-10.244.2.3"* && "${output}" == *"+10.244.1.3"* ]]
  [[ "${output}" == *"DIFFERS"* ]]
}

@test "a missing or extra line fails; ... stands for any number of lines" {
  page ell $'```console lab\n$ seq 5\n1\n...\n5\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/ell.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
  page short $'```console lab\n$ seq 3\n1\n3\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/short.md"
  [ "${status}" -eq 1 ]
  page long $'```console lab\n$ seq 2\n1\n2\n3\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/long.md"
  [ "${status}" -eq 1 ]
}

@test "what changes per run is normalised: hashes, ephemeral ports, MACs, counters, timings" {
  page norm $'```console lab\n$ echo "echo-7f4b78f478-wl6w9 caller-q6lrb 172.18.0.1:35632 aa:bb:cc:dd:ee:01 [12:3400] 1.5 ms :30080"\necho-5dcbfbcc6c-wjgvt caller-x2z4k 172.18.0.1:50001 02:42:ac:12:00:02 [0:0] 20.25 ms :30080\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/norm.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
  # a byte counter in the ephemeral ports' range is still a counter (a fresh-clone run once saw [339:<port>])
  page bytes $'```console lab\n$ echo "[339:34645] -A KUBE-SERVICES"\n[0:0] -A KUBE-SERVICES\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/bytes.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
  # a pod's AGE as `get pods` prints it, in seconds on the page and minutes in a slower lab (19m3s, 22m, 1h5m)
  page age $'```console lab\n$ printf "a 19m3s\\nb 22m\\nc 1h5m\\nd 2d\\n"\na 45s\nb 3m27s\nc 59s\nd 8s\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/age.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
  # a conntrack entry: its ephemeral source port and its seconds to live change, the Service port does not
  page ct $'```console lab\n$ echo "udp      17 24 src=10.244.1.2 dst=10.96.0.13 sport=43023 dport=5005 src=10.244.1.6 dst=10.244.1.2 sport=5005 dport=43023"\nudp 17 29 src=10.244.1.2 dst=10.96.0.13 sport=51234 dport=5005 src=10.244.1.6 dst=10.244.1.2 sport=5005 dport=51234\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/ct.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
  page ctport $'```console lab\n$ echo "udp 17 24 src=10.244.1.2 dst=10.96.0.13 sport=43023 dport=5005"\nudp 17 24 src=10.244.1.2 dst=10.96.0.13 sport=43023 dport=5006\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/ctport.md"
  [ "${status}" -eq 1 ]
  # an unreachable pod: how few tries split between timeouts and unreachable is timing; the first failure is not
  page unreach $'```console lab\n$ echo "3/3 tries failed {CONNECT_TIMEOUT=3}, first: CONNECT_TIMEOUT Connect timed out."\n3/3 tries failed {CONNECT_TIMEOUT=2, UNREACHABLE=1}, first: CONNECT_TIMEOUT Connect timed out.\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/unreach.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
  page unreachfirst $'```console lab\n$ echo "3/3 tries failed {UNREACHABLE=3}, first: UNREACHABLE No route to host."\n3/3 tries failed {CONNECT_TIMEOUT=3}, first: CONNECT_TIMEOUT Connect timed out.\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/unreachfirst.md"
  [ "${status}" -eq 1 ]
  # a NodePort is not an ephemeral port: 30080 against 30081 differs
  page np $'```console lab\n$ echo 172.18.0.3:30080\n172.18.0.3:30081\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/np.md"
  [ "${status}" -eq 1 ]
}

@test "how often a converging path was polled is normalised; the window it was given is not" {
  page runs $'```console lab\n$ echo "not 3 consecutive successes within 5 s (10 runs)"\nnot 3 consecutive successes within 5 s (7 runs)\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/runs.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
  page window $'```console lab\n$ echo "not 3 consecutive successes within 5 s (10 runs)"\nnot 2 consecutive successes within 5 s (10 runs)\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/window.md"
  [ "${status}" -eq 1 ]
}

@test "a hairpin verdict compares without its chance count of failed tries, and still differs from other failures" {
  local v='no try was served by caller-service [pod=caller-q6lrb, namespace=netpaths] itself over 35 tries'
  page hp "$(printf '```console lab\n$ echo "FAILED 2/35 tries failed {CONNECT_TIMEOUT=2}, first: CONNECT_TIMEOUT Connect timed out; %s"\nFAILED 1/35 tries failed {CONNECT_TIMEOUT=1}, first: CONNECT_TIMEOUT Connect timed out; %s\n```' "${v}" "${v}")"
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/hp.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
  # the count stays where the verdict is another: every try failed, none was served at all
  page all $'```console lab\n$ echo "FAILED 30/30 tries failed {CONNECT_TIMEOUT=30}, first: CONNECT_TIMEOUT Connect timed out"\nFAILED 29/30 tries failed {CONNECT_TIMEOUT=29}, first: CONNECT_TIMEOUT Connect timed out\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/all.md"
  [ "${status}" -eq 1 ]
}

@test "a wrong-backend verdict compares without the node that answered or its chance failed tries, and still differs by version" {
  local tail='cluster netpaths), expected echo-service [namespace=netpaths, version=v2]'
  page wb "$(printf '```console lab\n$ echo "FAILED 1/26 tries failed {READ_TIMEOUT=1}, first: READ_TIMEOUT Read timed out; served by echo-88455dc74-lbp9t (netpaths, v1, node netpaths-worker2, %s"\nFAILED served by echo-88455dc74-7qh8c (netpaths, v1, node netpaths-worker, %s\n```' "${tail}" "${tail}")"
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/wb.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
  # another version (or namespace) answering is another verdict
  page wv "$(printf '```console lab\n$ echo "FAILED served by echo-88455dc74-lbp9t (netpaths, v1, node netpaths-worker2, %s"\nFAILED served by echo-v2-6f48d9fd85-grtlw (netpaths, v2, node netpaths-worker, %s\n```' "${tail}" "${tail}")"
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/wv.md"
  [ "${status}" -eq 1 ]
}

@test "a failing command fails the page; steps share one shell, in order" {
  page rc $'```console lab\n$ false\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/rc.md"
  [ "${status}" -eq 1 ]
  [[ "${output}" == *"\`false\` exited 1"* ]]
  page shell $'```console lab\n$ X=41; \\\n  X=$((X + 1))\n```\ntext\n```console lab\n$ echo "$X"\n42\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/shell.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
}

@test "a block that names a lab of its own runs only against that lab, and is named when left out" {
  page blocks $'```console lab\n$ echo page\npage\n```\n```console lab lab=calico-bgp clusters=1\n$ echo bgp; false\nnot this\n```\n```console lab\n$ echo again\nagain\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/blocks.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
  [[ "${output}" == *"blocks.md: 1 block(s) for another lab left out (lines 7)"* ]] || { echo "${output}"; return 1; }
  # the page's own blocks still run and are compared
  page blocks2 $'```console lab lab=calico-bgp clusters=1\n$ true\n```\n```console lab\n$ echo page\nother\n```'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/blocks2.md"
  [ "${status}" -eq 1 ]
  [[ "${output}" == *"blocks2.md:7: \`echo page\` printed something else"* ]] || { echo "${output}"; return 1; }
}

@test "bad use: a page without its lab line, a missing page" {
  printf '# t\n```console lab\n$ true\n```\n' >"${BATS_TEST_TMPDIR}/noline.md"
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/noline.md"
  [ "${status}" -eq 2 ]
  [[ "${output}" == *"no '<!-- workshop: lab=... clusters=N -->' line"* ]]
  # refused before any lab is brought up (as root that would be a whole lab of the default prefix)
  [[ "${output}" != *"bringing up a lab"* ]]
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/absent.md"
  [ "${status}" -eq 2 ]
  [[ "${output}" == *"no such page"* ]]
}

@test "every chapter names its lab, and the index lists only chapters that exist" {
  local page
  for page in "${REPO_ROOT}"/docs/workshop/[0-9]*.md; do
    grep -qE '^<!-- workshop: lab=[a-z,]+ clusters=[12] -->$' "${page}" || { echo "${page}: no lab line" >&2; return 1; }
    grep -qF "($(basename "${page}"))" "${REPO_ROOT}/docs/workshop/README.md" || { echo "index does not link ${page}" >&2; return 1; }
  done
  while IFS= read -r page; do
    [[ -f "${REPO_ROOT}/docs/workshop/${page}" ]] || { echo "index links a missing ${page}" >&2; return 1; }
  done < <(grep -oE '\]\([0-9][0-9]-[a-z0-9-]+\.md\)' "${REPO_ROOT}/docs/workshop/README.md" | tr -d '()]')
}

@test "--update rewrites the outputs that differ, keeps a block's ... shape, and leaves a failing command alone" {
  page up $'intro 10.244.1.3\n```console lab\n$ printf \'a  b\\n\'\na b\n$ printf \'x\\n10.244.1.3\\n\'\n10.244.2.9\n$ true\n```\n```console lab\n$ seq 5\n1\n...\n4\n5\n$ printf "1\\n2 10.0.0.9\\n3\\n"\n...\n2 10.0.0.7\n...\n$ echo new\n```\nend'
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/up.md"
  [ "${status}" -eq 1 ]
  run "${WORKSHOP}" --update "${BATS_TEST_TMPDIR}/up.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
  [[ "${output}" == *"re-captured 3 output(s)"* ]] || { echo "${output}"; return 1; }
  # a matching output is left as the page wrote it; the others are what the command printed
  diff -u <(printf '%s\n' '# t' '<!-- workshop: lab=none clusters=1 -->' 'intro 10.244.1.3' '```console lab' \
    "\$ printf 'a  b\\n'" 'a b' "\$ printf 'x\\n10.244.1.3\\n'" 'x' '10.244.1.3' '$ true' '```' '```console lab' \
    '$ seq 5' '1' '...' '4' '5' '$ printf "1\n2 10.0.0.9\n3\n"' '...' '2 10.0.0.9' '...' '$ echo new' 'new' '```' 'end') \
    "${BATS_TEST_TMPDIR}/up.md"
  run "${WORKSHOP}" "${BATS_TEST_TMPDIR}/up.md"
  [ "${status}" -eq 0 ] || { echo "${output}"; return 1; }
  page fails $'```console lab\n$ echo a; false\nb\n```'
  run "${WORKSHOP}" --update "${BATS_TEST_TMPDIR}/fails.md"
  [ "${status}" -eq 1 ]
  grep -qx b "${BATS_TEST_TMPDIR}/fails.md"
  run "${WORKSHOP}" --no-such-option
  [ "${status}" -eq 2 ]
}
