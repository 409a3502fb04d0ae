export default function PageNewDesign() {
  return (
    <main data-design="new">
      <h1>New design</h1>
    </main>
  );
}
