#!/usr/bin/env bash
# What CI systems read of a run (issue 24): --junit, --sarif and GitHub's annotations.
#   - the golden SARIF files (tests/golden/*.sarif.exp) are valid SARIF 2.1.0 by the pinned
#     schema (ci/sarif-schema), and files broken four ways are not;
#   - the golden JUnit files parse as XML;
#   - a real TSan run of a racy case program writes both: the race at the case's marked line,
#     relative to the source root with uriBaseId SRCROOT; with GITHUB_ACTIONS=true a failing
#     run prints "::error file=...,line=..." for it, a passing run prints none;
#   - --source-root must name a folder that exists.
# Usage: ci_outputs.sh RACELAB BUILD_DIR SOURCE_DIR
set -euo pipefail
racelab=$1 build=$2 source=$3
schema=("$source/ci/sarif-schema" --cache "$build/sarif-schema")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "ci_outputs: $*"
  exit 1
}
checks=0
ok() {
  checks=$((checks + 1))
}

"${schema[@]}" "$source"/tests/golden/*.sarif.exp >"$work/golden.log" ||
  { cat "$work/golden.log"; fail "a golden SARIF file is not valid"; }
ok
# A validator that passes everything would pass the goldens too: each broken file must fail.
golden=$source/tests/golden/fail-extra-missing.sarif.exp
sed 's/"version":"2.1.0"/"version":"2.2"/' "$golden" >"$work/version.sarif"
sed 's/"level":"error"/"level":"fatal"/' "$golden" >"$work/level.sarif"
sed 's/"message":{"text":"data-race[^}]*},//' "$golden" >"$work/message.sarif"
head -c 300 "$golden" >"$work/cut.sarif"
for broken in version level message cut; do
  cmp -s "$golden" "$work/$broken.sarif" && fail "the $broken edit changed nothing"
  if "${schema[@]}" "$work/$broken.sarif" >"$work/broken.log"; then
    cat "$work/broken.log"
    fail "the broken SARIF file '$broken' validated"
  fi
  ok
done

python3 - "$source"/tests/golden/*.junit.xml.exp <<'PY' || fail "a golden JUnit file does not parse"
import sys
import xml.etree.ElementTree as ET
for path in sys.argv[1:]:
    suite = ET.parse(path).getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases), path
    failed = [c for c in cases if c.find("failure") is not None]
    assert int(suite.get("failures")) == len(failed), path
    for c in failed:
        assert c.find("failure").text.startswith("FAIL "), path
PY
ok

case_file=$source/cases/race/counter_unlocked.c
line=$(grep -n 'racelab: data-race' "$case_file" | cut -d: -f1)
bin=$build/cases/tsan/race/counter_unlocked
[ -x "$bin" ] || fail "no $bin"
cd "$work"
set +e
GITHUB_ACTIONS=true GITHUB_WORKSPACE=$source "$racelab" run --tool tsan --expect clean \
  --junit run.junit.xml --sarif run.sarif -- "$bin" >run.log 2>&1
status=$?
set -e
[ "$status" = 1 ] || { cat run.log; fail "the racy run exited $status, not 1"; }
grep -q "^::error file=cases/race/counter_unlocked.c,line=$line,title=racelab data-race (tsan)::" \
  run.log || { cat run.log; fail "no annotation at cases/race/counter_unlocked.c:$line"; }
ok
"${schema[@]}" run.sarif >sarif.log || { cat sarif.log; fail "the run's SARIF is not valid"; }
ok
python3 - run.sarif run.junit.xml "$line" "$source" <<'PY' || fail "the run's SARIF or JUnit is not as wanted"
import json, sys
import xml.etree.ElementTree as ET
sarif, junit, line, source = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
run = json.load(open(sarif))["runs"][0]
assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == "file://" + source + "/", run["originalUriBaseIds"]
race = [r for r in run["results"] if r["ruleId"] == "data-race"]
assert race and race[0]["level"] == "error", run["results"]
where = race[0]["locations"][0]["physicalLocation"]
assert where["artifactLocation"] == {"uri": "cases/race/counter_unlocked.c", "uriBaseId": "SRCROOT"}, where
assert where["region"]["startLine"] == line, where
flows = race[0]["codeFlows"]
assert len(flows) == 2, "both sides of the race are code flows: %r" % flows
for flow in flows:
    loc = flow["threadFlows"][0]["locations"][0]["location"]["physicalLocation"]
    assert loc["artifactLocation"]["uriBaseId"] == "SRCROOT", loc
assert run["tool"]["driver"]["rules"][race[0]["ruleIndex"]]["id"] == "data-race"
suite = ET.parse(junit).getroot().find("testsuite")
assert suite.get("failures") == "1", suite.attrib
text = suite.find("testcase/failure").text
assert text.startswith("FAIL tsan:") and "data-race" in text, text
PY
ok

# Outside GitHub Actions, no workflow commands; a passing run has none either.
"$racelab" run --tool tsan --expect data-race -- "$bin" >quiet.log 2>&1 ||
  { cat quiet.log; fail "the run expecting the race failed"; }
GITHUB_ACTIONS=true "$racelab" run --tool tsan --expect data-race --junit pass.junit.xml \
  -- "$bin" >pass.log 2>&1 || { cat pass.log; fail "the passing run failed"; }
set +e
"$racelab" run --tool tsan --expect clean -- "$bin" >plain.log 2>&1
set -e
if grep -q '^::' quiet.log pass.log plain.log; then
  grep '^::' quiet.log pass.log plain.log
  fail "a workflow command outside a failing GitHub Actions run"
fi
python3 -c 'import sys, xml.etree.ElementTree as ET
s = ET.parse(sys.argv[1]).getroot().find("testsuite")
assert s.get("failures") == "0" and s.find("testcase/system-out").text.startswith("PASS "), s.attrib' \
  pass.junit.xml || fail "the passing run's JUnit is not a pass"
ok

# --source-root: relative to it, and only a folder that exists.
set +e
"$racelab" run --tool tsan --expect clean --sarif root.sarif --source-root "$source/cases" \
  -- "$bin" >root.log 2>&1
"$racelab" run --tool tsan --expect clean --sarif none.sarif --source-root "$work/none" \
  -- "$bin" >none.log 2>&1
status=$?
set -e
grep -q '"uri":"race/counter_unlocked.c","uriBaseId":"SRCROOT"' root.sarif ||
  fail "--source-root cases: no uri race/counter_unlocked.c"
if [ "$status" != 2 ] ||
  ! grep -q "^racelab: --source-root $work/none: No such file or directory" none.log; then
  cat none.log
  fail "a missing --source-root was not refused (exit $status)"
fi
[ ! -e none.sarif ] || fail "a refused run wrote its SARIF file"
ok
echo "ci_outputs: $checks checks passed"
