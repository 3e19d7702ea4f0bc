import { BUBBLE_CSS } from '../common/styles';

/** The bubble's frame: transparent, no margin, the bubble at its natural size (the content script sizes the frame to it). */
export const FRAME_CSS = `${BUBBLE_CSS}
html, body { margin: 0; padding: 0; background: transparent; overflow: hidden; }
.bubble { position: static; width: max-content; box-shadow: none; }
`;
