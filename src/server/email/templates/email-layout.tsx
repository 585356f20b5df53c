import { Section, Text } from "@react-email/components";

// What the product's emails share: the page, the card and a labelled value (react-email inline styles).

export const pageStyle = { backgroundColor: "#f6f7f9", fontFamily: "Helvetica, Arial, sans-serif", color: "#111827" };
export const cardStyle = {
  backgroundColor: "#ffffff",
  borderRadius: "8px",
  padding: "24px",
  margin: "24px auto",
  maxWidth: "560px",
};
export const labelStyle = { margin: "0", color: "#6b7280", fontSize: "13px" };

/** A small grey label above its value, in the value's own style. */
export function Labelled({ name, value, style }: { name: string; value: string | number; style: object }) {
  return (
    <Section>
      <Text style={labelStyle}>{name}</Text>
      <Text style={style}>{value}</Text>
    </Section>
  );
}
