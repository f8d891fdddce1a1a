// Preview stand-in for lightning/navigation: a navigation request becomes a window event the page can show.
const Navigate = Symbol('Navigate');
const GenerateUrl = Symbol('GenerateUrl');

export const NavigationMixin = (Base) =>
  class extends Base {
    [Navigate](pageReference) {
      window.dispatchEvent(new CustomEvent('revops-navigate', { detail: pageReference }));
    }
    [GenerateUrl]() {
      return Promise.resolve('#');
    }
  };
NavigationMixin.Navigate = Navigate;
NavigationMixin.GenerateUrl = GenerateUrl;
