// The child of killed-run.e2e.test.ts: a bed with one Ready pod behind a LoadBalancer Service, which
// prints what it made (one JSON line) and waits to be SIGKILLed.
import { createTestBed, waitFor } from "../harness/index.js";
import { adminClient, applyManifests, waitForReadyPods } from "./objects.js";

const bed = await createTestBed({ name: "killed-run-child", cluster: true });
const api = adminClient(bed);
await applyManifests(
  api,
  `apiVersion: v1
kind: Pod
metadata: { name: victim, namespace: default, labels: { app: victim } }
spec:
  containers: [{ name: echo, image: registry.k8s.io/gateway-api/echo-basic:v1.5.1 }]
---
apiVersion: v1
kind: Service
metadata: { name: victim, namespace: default }
spec:
  type: LoadBalancer
  selector: { app: victim }
  ports: [{ port: 80, targetPort: 3000 }]
`,
);
const [pod] = await waitForReadyPods(api, "default", "app=victim", 1);
const lbIp = await waitFor(() => bed.cluster.loadBalancer.addressOf("default", "victim"), { timeoutMs: 10_000 });
const containerPid = Number((pod?.status.containerStatuses?.[0] as { containerID?: string } | undefined)?.containerID?.replace("e2e://", ""));
console.log(
  JSON.stringify({
    runDir: bed.runDir.path,
    nodeIp: bed.cluster.nodeIp,
    lbIp,
    netns: bed.cluster.kubelet.podNetwork("default", "victim")?.name,
    pids: [containerPid, bed.etcd.process.pid, bed.apiserver.process.pid, bed.cluster.controllerManager.process.pid],
  }),
);
setInterval(() => undefined, 60_000);
