"""Hub repositories shaped like real ones on PyTorch Hub, cut down to what introspection sees.

Each keeps the structure that matters to `torch.hub.list`: re-exports from the hub's own packages
(`from models.x import a as b`), classes as entrypoints, helpers imported at module level (which
torch.hub.list lists, since it lists every public callable), entrypoints made at import time, and
private names. Their models are tiny so that loading them is cheap.
"""

from __future__ import annotations

# pytorch/vision: hubconf.py re-exports builders from the package, some renamed, plus helpers.
VISION = {
    "hubconf.py": """
        dependencies = ["torch"]

        from torch.hub import load_state_dict_from_url
        from models.resnet import ResNet as ResNetBackbone, resnet18, resnet50
        from models.vit import vit_b_16 as vit_base
        from models import _helpers
        import models.weights as weights
    """,
    "models/__init__.py": "",
    "models/_helpers.py": "SCALE = 1\n",
    "models/weights.py": '''
        class Weights:
            """Pretrained weights of a builder."""

            url = ""
    ''',
    "models/resnet.py": '''
        import torch
        from models.weights import Weights


        class ResNet(torch.nn.Module):
            """A residual network (here one linear layer)."""

            def __init__(self, width: int = 4) -> None:
                super().__init__()
                self.fc = torch.nn.Linear(width, 2)

            def forward(self, x: torch.Tensor) -> torch.Tensor:
                """Logits for a batch of feature vectors."""
                return self.fc(x)


        def resnet18(*, weights: Weights | None = None, progress: bool = True) -> ResNet:
            """ResNet-18 from `Deep Residual Learning for Image Recognition`."""
            return ResNet()


        def resnet50(*, weights: Weights | None = None, progress: bool = True, **kwargs: object) -> ResNet:
            """ResNet-50 from `Deep Residual Learning for Image Recognition`."""
            return ResNet(**kwargs)
    ''',
    "models/vit.py": '''
        from .resnet import ResNet


        def vit_b_16(*, weights=None, progress=True, **kwargs):
            """ViT-B/16 (stands in: a ResNet)."""
            return ResNet()
    ''',
}

# facebookresearch/detr: model classes imported into hubconf.py, so they are entrypoints too.
DETR = {
    "hubconf.py": '''
        import torch

        from models.backbone import Backbone, Joiner
        from models.detr import DETR, PostProcess
        from models.position_encoding import PositionEmbeddingSine

        dependencies = ["torch"]


        def _make_detr(backbone_name: str, dilation=False, num_classes=91, mask=False):
            return DETR(Joiner(Backbone(backbone_name), PositionEmbeddingSine()), num_classes=num_classes)


        def detr_resnet50(pretrained=False, num_classes=91, return_postprocessor=False):
            """
            DETR R50 with 6 encoder and 6 decoder layers.

            Achieves 42/62.4 AP/AP50 on COCO val5k.
            """
            model = _make_detr("resnet50", dilation=False, num_classes=num_classes)
            return (model, PostProcess()) if return_postprocessor else model


        def detr_resnet101(pretrained=False, num_classes=91, return_postprocessor=False):
            """DETR R101 with 6 encoder and 6 decoder layers."""
            return _make_detr("resnet101", dilation=False, num_classes=num_classes)
    ''',
    "models/__init__.py": "",
    "models/backbone.py": """
        import torch


        class Backbone(torch.nn.Module):
            def __init__(self, name: str) -> None:
                super().__init__()
                self.name = name


        class Joiner(torch.nn.Sequential):
            def __init__(self, backbone, position_embedding):
                super().__init__(backbone, position_embedding)
    """,
    "models/detr.py": '''
        import torch
        from util.misc import NestedTensor


        class DETR(torch.nn.Module):
            """This is the DETR module that performs object detection."""

            def __init__(self, backbone, num_classes: int, num_queries: int = 100, aux_loss: bool = False):
                super().__init__()
                self.backbone, self.num_classes = backbone, num_classes

            def forward(self, samples: NestedTensor):
                """samples.tensors: batched images, of shape [batch_size x 3 x H x W]."""
                return samples


        class PostProcess(torch.nn.Module):
            """Converts the model's output into the format expected by the coco api."""

            @torch.no_grad()
            def forward(self, outputs, target_sizes):
                return outputs
    ''',
    "models/position_encoding.py": """
        import math

        import torch


        class PositionEmbeddingSine(torch.nn.Module):
            def __init__(self, num_pos_feats=64, temperature=10000, normalize=False, scale=None):
                super().__init__()
                self.scale = 2 * math.pi if scale is None else scale
    """,
    "util/__init__.py": "",
    "util/misc.py": """
        class NestedTensor:
            def __init__(self, tensors, mask):
                self.tensors, self.mask = tensors, mask
    """,
}

# ultralytics/yolov5: functions with a private factory, imports inside functions, a __main__ block.
YOLO = {
    "hubconf.py": '''
        """
        PyTorch Hub models https://pytorch.org/hub/ultralytics_yolov5

        Usage:
            import torch
            model = torch.hub.load('ultralytics/yolov5', 'yolov5s')
        """

        import torch


        def _create(name, pretrained=True, channels=3, classes=80, autoshape=True, verbose=True, device=None):
            """Creates or loads a YOLOv5 model."""
            from pathlib import Path

            from models.yolo import DetectionModel

            return DetectionModel(Path(name).stem, channels, classes)


        def custom(path="path/to/model.pt", autoshape=True, _verbose=True, device=None):
            """Custom or local model."""
            return _create(path, autoshape=autoshape, verbose=_verbose, device=device)


        def yolov5n(pretrained=True, channels=3, classes=80, autoshape=True, _verbose=True, device=None):
            """YOLOv5-nano model https://github.com/ultralytics/yolov5"""
            return _create("yolov5n", pretrained, channels, classes, autoshape, _verbose, device)


        def yolov5s(pretrained=True, channels=3, classes=80, autoshape=True, _verbose=True, device=None):
            """YOLOv5-small model https://github.com/ultralytics/yolov5"""
            return _create("yolov5s", pretrained, channels, classes, autoshape, _verbose, device)


        if __name__ == "__main__":
            model = _create(name="yolov5s", pretrained=True, channels=3, classes=80, autoshape=True, verbose=True)
    ''',
    "models/__init__.py": "",
    "models/yolo.py": """
        import torch


        class DetectionModel(torch.nn.Module):
            def __init__(self, cfg="yolov5s", ch=3, nc=80):
                super().__init__()
                self.conv = torch.nn.Conv2d(ch, nc, 1)
    """,
}

# pytorch/fairseq: entrypoints made at import time from a registry (globals()[name] = partial(...)).
FAIRSEQ = {
    "hubconf.py": """
        import functools
        import importlib

        dependencies = ["torch"]

        from models import MODEL_REGISTRY

        for _model_type, _cls in MODEL_REGISTRY.items():
            for model_name in _cls.hub_models().keys():
                globals()[model_name] = functools.partial(_cls.from_pretrained, model_name)
    """,
    "models/__init__.py": """
        from .transformer import TransformerModel

        MODEL_REGISTRY = {"transformer": TransformerModel}
    """,
    "models/transformer.py": '''
        class TransformerModel:
            """Transformer model from `Attention Is All You Need`."""

            @classmethod
            def hub_models(cls):
                return {"transformer.wmt16.en-de": "x", "transformer_wmt_en_de": "y", "conv.wmt14.en-fr": "z"}

            @classmethod
            def from_pretrained(cls, model_name_or_path, checkpoint_file="model.pt", **kwargs):
                """Load a pretrained model."""
                return cls()
    ''',
}

# huggingface/pytorch-transformers: every entrypoint re-exported from a package of hubconfs.
TRANSFORMERS = {
    "hubconf.py": """
        from hubconfs.bert_hubconf import (
            bertTokenizer,
            bertModel,
            bertForMaskedLM,
        )
        from hubconfs.gpt_hubconf import openAIGPTTokenizer, openAIGPTModel
        from typing import Optional

        dependencies = ["torch"]
    """,
    "hubconfs/__init__.py": "",
    "hubconfs/bert_hubconf.py": '''
        from modeling import BertModel

        bert_docstring = """
            Params:
                pretrained_model_name_or_path: either a str with the name of a pre-trained model
        """


        def _append_from_pretrained_docstring(docstr):
            def docstring_decorator(fn):
                fn.__doc__ = fn.__doc__ + docstr
                return fn

            return docstring_decorator


        def bertTokenizer(*args, **kwargs):
            """Instantiate a BertTokenizer from a pre-trained/customized vocab file."""
            return str.split


        @_append_from_pretrained_docstring(bert_docstring)
        def bertModel(*args, **kwargs):
            """BertModel is the basic BERT Transformer model."""
            return BertModel()


        @_append_from_pretrained_docstring(bert_docstring)
        def bertForMaskedLM(*args, **kwargs) -> BertModel:
            """BertForMaskedLM includes the BertModel Transformer followed by the language modeling head."""
            return BertModel()
    ''',
    "hubconfs/gpt_hubconf.py": '''
        def openAIGPTTokenizer(*args, **kwargs):
            """Instantiate a BPE tokenizer for OpenAI GPT from a pre-trained/customized vocab file."""
            return str.split


        def openAIGPTModel(*args, **kwargs):
            """OpenAIGPTModel is the basic OpenAI GPT Transformer model."""
            return object()
    ''',
    "modeling.py": '''
        import torch


        class BertModel(torch.nn.Module):
            """BERT model ("Bidirectional Embedding Representations from a Transformer")."""
    ''',
}

# facebookresearch/dino: a sibling module imported whole (a module is not callable, so not listed).
DINO = {
    "hubconf.py": '''
        import torch
        from functools import partial

        import vision_transformer as vits

        dependencies = ["torch"]


        def dino_vits16(pretrained=True, **kwargs):
            """
            ViT-Small/16x16 pre-trained with DINO.
            Achieves 74.5% top-1 accuracy on ImageNet with k-NN classification.
            """
            return vits.vit_small(patch_size=16, num_classes=0, **kwargs)


        def dino_xcit_small_12_p16(pretrained=True, **kwargs):
            """XCiT-Small-12/16 pre-trained with DINO."""
            return torch.nn.Identity()
    ''',
    "vision_transformer.py": '''
        from functools import partial

        import torch


        class VisionTransformer(torch.nn.Module):
            """Vision Transformer."""

            def __init__(self, patch_size=16, num_classes=0, **kwargs):
                super().__init__()
                self.head = torch.nn.Linear(4, max(num_classes, 1))


        def vit_small(patch_size=16, **kwargs) -> VisionTransformer:
            return VisionTransformer(patch_size=patch_size, **kwargs)
    ''',
}

REAL_WORLD_HUBS = {
    "vision": VISION,
    "detr": DETR,
    "yolo": YOLO,
    "fairseq": FAIRSEQ,
    "transformers": TRANSFORMERS,
    "dino": DINO,
}
