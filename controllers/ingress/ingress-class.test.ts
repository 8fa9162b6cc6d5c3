import assert from "node:assert/strict";
import { ingressMatchesClass } from "./ingress-class.js";
import { ingress, ingressClass } from "../source/testdata/fixtures.js";

describe("ingressMatchesClass", () => {
  const classes = [ingressClass("contour", "projectcontour.io/ingress-controller"), ingressClass("mine", "projectcontour.io/ingress-controller"), ingressClass("nginx", "k8s.io/ingress-nginx"), ingressClass("stolen", "k8s.io/ingress-nginx")];
  const withAnnotation = (key: string, value: string) => ingress("i", {}, { annotations: { [key]: value } });
  const withSpec = (name: string) => ingress("i", { ingressClassName: name });
  const table: { name: string; ing: ReturnType<typeof ingress>; configured?: string; want: boolean }[] = [
    { name: "no class, none configured", ing: ingress("i", {}), want: true },
    { name: "no class, one configured", ing: ingress("i", {}), configured: "internal", want: false },
    { name: "kubernetes.io annotation contour", ing: withAnnotation("kubernetes.io/ingress.class", "contour"), want: true },
    { name: "projectcontour.io annotation contour", ing: withAnnotation("projectcontour.io/ingress.class", "contour"), want: true },
    { name: "annotation of another class", ing: withAnnotation("kubernetes.io/ingress.class", "nginx"), want: false },
    { name: "annotation matching the configured class", ing: withAnnotation("kubernetes.io/ingress.class", "internal"), configured: "internal", want: true },
    { name: "annotation contour with another configured class", ing: withAnnotation("kubernetes.io/ingress.class", "contour"), configured: "internal", want: false },
    {
      name: "projectcontour.io annotation read first",
      ing: ingress("i", {}, { annotations: { "projectcontour.io/ingress.class": "nginx", "kubernetes.io/ingress.class": "contour" } }),
      want: false,
    },
    { name: "annotation overrides spec", ing: ingress("i", { ingressClassName: "contour" }, { annotations: { "kubernetes.io/ingress.class": "nginx" } }), want: false },
    { name: "spec contour", ing: withSpec("contour"), want: true },
    { name: "spec contour without an IngressClass object", ing: withSpec("contour"), want: true },
    { name: "spec naming a class of Contour's controller", ing: withSpec("mine"), want: true },
    { name: "spec naming another controller's class", ing: withSpec("nginx"), want: false },
    { name: "spec naming an unknown class", ing: withSpec("ghost"), want: false },
    { name: "spec contour whose IngressClass is another controller's", ing: withSpec("stolen"), want: false },
    { name: "spec matching the configured class", ing: withSpec("internal"), configured: "internal", want: true },
    { name: "spec of Contour's controller but not the configured name", ing: withSpec("mine"), configured: "internal", want: false },
    // --ingress-class-name contour,team1: upstream's MatchesIngress over the split list.
    { name: "spec naming the first of several configured classes", ing: withSpec("contour"), configured: "contour,team1", want: true },
    { name: "spec naming the second of several configured classes", ing: withSpec("team1"), configured: "contour,team1", want: true },
    { name: "spec naming none of several configured classes", ing: withSpec("team2"), configured: "contour,team1", want: false },
    { name: "annotation naming one of several configured classes", ing: withAnnotation("projectcontour.io/ingress.class", "team1"), configured: "contour,team1", want: true },
    { name: "annotation naming none of several configured classes", ing: withAnnotation("kubernetes.io/ingress.class", "nginx"), configured: "contour,team1", want: false },
    { name: "no class, several configured", ing: ingress("i", {}), configured: "contour,team1", want: false },
    { name: "no class, an empty entry configured (as upstream splits \"contour,\")", ing: ingress("i", {}), configured: "contour,", want: true },
  ];
  for (const t of table) {
    it(t.name, () => assert.equal(ingressMatchesClass(t.ing, t.name.includes("without an IngressClass") ? [] : classes, t.configured), t.want));
  }
});
