// The bubble frame's CSS, from the same files the shadow-root bubble used (base.css declares its
// variables on :root too, so they apply in the frame's own document).
import baseCss from '../common/base.css?inline';
import bubbleCss from './bubble.css?inline';

/** The bubble's frame: transparent, no margin, the bubble at its natural size (the content script sizes the frame to it). */
export const FRAME_CSS = `${bubbleCss}
${baseCss}
html, body { margin: 0; padding: 0; background: transparent; overflow: hidden; }
.bubble { position: static; width: max-content; box-shadow: none; }
`;
