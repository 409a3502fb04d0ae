export default function PageOldDesign() {
  return (
    <main data-design="old">
      <h1>Old design</h1>
    </main>
  );
}
