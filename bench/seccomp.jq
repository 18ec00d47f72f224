# restrict-seccomp in jq, for the benchmark's kpolicy-vs-jq row.
# Run as: jq -n -f bench/seccomp.jq corpus.jsonl  (one resource per line)
# Same verdicts as the policy with its pod-controller autogen: the pod spec
# of Pods, of Deployments/StatefulSets/DaemonSets/Jobs/ReplicaSets/
# ReplicationControllers (spec.template.spec) and of CronJobs
# (spec.jobTemplate.spec.template.spec); seccompProfile.type in
# spec.securityContext and in every container, initContainer and
# ephemeralContainer may be absent, RuntimeDefault or Localhost.
# Other kinds get no verdict; a pod spec that is not a map fails (`spec` is
# a plain key in the pattern).  Prints {"pass":N,"fail":N}.

def allowed: . == null or . == "RuntimeDefault" or . == "Localhost";

def pod_spec:
  if .kind == "Pod" then .spec
  elif .kind == "CronJob" then .spec.jobTemplate.spec.template.spec
  elif .kind == "Deployment" or .kind == "StatefulSet" or .kind == "DaemonSet"
    or .kind == "Job" or .kind == "ReplicaSet" or .kind == "ReplicationController"
  then .spec.template.spec
  else empty end;

def passes:
  type == "object"
  and (.securityContext.seccompProfile.type | allowed)
  and all((.containers // [])[], (.initContainers // [])[],
          (.ephemeralContainers // [])[];
          .securityContext.seccompProfile.type | allowed);

reduce (inputs | pod_spec | if passes then "pass" else "fail" end) as $v
  ({pass: 0, fail: 0}; .[$v] += 1)
