import { ControlCenter } from "@/components/control-center/control-center";

export default function ControlCenterPage() {
  return <ControlCenter />;
}
