// A bed with pods for a person: starts etcd, kube-apiserver, kube-controller-manager, the kubelet and the
// load balancer, prints the kubeconfig to use with kubectl, and stops everything on Ctrl-C.
// Usage: node dist/e2e/cluster/bed-up.js
import { createTestBed, resolveTool } from "../harness/index.js";

const bed = await createTestBed({ name: "bed-up", cluster: true });
console.log(`bed up: node ${bed.cluster.kubelet.nodeName} at ${bed.cluster.nodeIp}; logs in ${bed.runDir.path}`);
console.log(`  export KUBECONFIG=${bed.apiserver.kubeconfigPath}`);
console.log(`  alias kubectl=${resolveTool("kubectl")}`);
console.log("Ctrl-C stops the bed and removes everything it made.");
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  void bed.stop().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
